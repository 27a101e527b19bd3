Feature: A conversation in English with a locally hosted model
  Answers come from local sources, cite them, and are marked as AI-generated.

  Scenario: A citizen asks about the school calendar
    Given a new conversation
    When I ask "When does the school year start?"
    Then the reply is in "en"
    And the reply is a grounded answer with sources
    And the first reply discloses that it is an AI
    And the reply names the local model

  Scenario: A teacher asks about the curriculum
    Given a new conversation
    When I ask the "education" assistant "Which competencies cover the multiplication tables?"
    Then the reply is in "en"
    And the reply is a grounded answer with sources
    And every cited curriculum code exists in the graph

  Scenario: A question the sources cannot answer
    Given a new conversation
    When I ask the "general" assistant "What is the capital of Peru?"
    Then the reply is in "en"
    And the reply honestly says it does not know

  Scenario: A teacher gets a lesson plan grounded in the curriculum
    Given a new conversation
    When I ask the "education" assistant "Plan a 45-minute lesson on the water cycle for cycle 3"
    Then the reply is in "en"
    And the reply carries a lesson plan whose outcomes all exist in the graph
    And the exported lesson plan is labelled as AI-generated
