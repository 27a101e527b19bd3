Feature: Summaries, plain language and translation asked for in the chat (English)
  A civil servant asks the assistant in the chat, in their own words, to rewrite, summarise or translate a
  document they may read; the reply is the result in the language asked for, citing the document, saying what
  the text is and which facts of the original it kept.

  Scenario: Plain English asked for in the chat keeps the facts of the page
    Given the demo documents
    When I write in the chat "Rewrite the identity card page in plain English"
    Then the reply cites the document "identity-card"
    And the result is written in "en"
    And the result keeps the facts of the document
    And the reply says what the text is
