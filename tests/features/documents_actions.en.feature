Feature: Plain language and translation keep what the original says (English)
  A plain-language version keeps every number and date of its source and reads more easily by the readability
  formula of its language; a machine translation uses the ministry's glossary terms and says what it is.

  Scenario: A plain-language rewrite keeps every number and date and reads more easily
    Given the passage "In accordance with the applicable provisions, applications for the renewal of an identity card must be submitted to the citizens' office no later than 30 April 2026, subject to the prior payment of an administrative fee amounting to 14 euros."
    When I ask for a plain-language version
    Then the version keeps every number and date of the passage
    And the version reads more easily by the formula of its language

  Scenario: A glossary term is used in a translation
    Given the ministry's glossary
    When I translate "Bring your identity card to the citizens' office." into "fr"
    Then the translation uses the glossary's term for "identity card"
    And the translation is labelled as machine translation and written in "fr"
