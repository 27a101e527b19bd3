Feature: Restricted documents stay invisible to people outside their groups (English)
  A collection imported with groups can be read only by people in one of them: for anyone else it does not
  exist, so the assistant honestly says it does not know and cites nothing from it.

  Scenario: A user without the group asks what only the restricted memo answers
    Given a restricted collection "hr" that only the group "hr" may read
    When a user in the group "finance" asks "How many days of telework may the commune's staff work from home?"
    Then the reply is "I don't know"
    And no source comes from the collection "hr"

  Scenario: A user in the group asks the same question
    Given a restricted collection "hr" that only the group "hr" may read
    When a user in the group "hr" asks "How many days of telework may the commune's staff work from home?"
    Then a source comes from the collection "hr"
    And the reply is in "en"
