Feature: A museum visitor asks about the collection in English
  Answers come only from the collection's records, cite them, and say so when there is no answer.

  Scenario: A visitor asks who painted an object
    Given a visitor at the kiosk
    When the visitor asks "Who painted Vianden castle?"
    Then the reply is in "en"
    And the reply cites records of the collection
    And one of the cited records is one of "demo:h01, demo:dup1"

  Scenario: A visitor wants to hear more, then sees related objects
    Given a visitor at the kiosk
    When the visitor asks "How did a miner's carbide lamp work?"
    And the visitor asks "Tell me more"
    Then the reply is about the same object as before
    When the visitor asks "Show related objects"
    Then the reply cites objects linked to that object

  Scenario: The collection has no answer
    Given a visitor at the kiosk
    When the visitor asks "What is the capital of Peru?"
    Then the reply honestly says it does not know

  Scenario: A harvest interrupted midway resumes without duplicates
    Given an archive whose OAI-PMH server fails after 2 pages
    When the curator harvests the archive
    Then the harvest stops and keeps its checkpoint
    When the server works again and the curator harvests the archive again
    Then every record of the archive is stored exactly once
