# language: en
Feature: A civil servant's intranet page talks to moien over HTTP

  Background:
    Given an intranet page at "https://intranet.example.lu" registered as a site

  Scenario: A civil servant asks about identity cards through the API
    When the page asks "How much does a new identity card cost?"
    Then the sources arrive before the first word of the answer
    And the answer is written in "en"
    And the answer says that it comes from an AI
    And every source of the answer has a title

  Scenario: An empty message gets a clear reply, not an error
    When the page asks "   "
    Then the API answers with a reply written by people in "en"

  Scenario: A page that is not registered is refused
    When a page at "https://elsewhere.example.com" asks "How much does a new identity card cost?"
    Then the API refuses it with an error that says what to do
