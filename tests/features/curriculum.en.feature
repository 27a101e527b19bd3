Feature: The curriculum graph in English

  Background:
    Given the French-only biology test curriculum is imported

  Scenario: A teacher searches in Luxembourgish and finds a French item
    When the teacher searches "Wéi bauen ech mat der Klass en Insektenhotel?"
    Then the first result is "TBIO-04"
    And its statement exists only in French

  Scenario: Re-importing the same file changes nothing
    When the same file is imported again
    Then the import reports that nothing changed
    And the graph is unchanged

  Scenario: A broken file leaves the graph unchanged
    When the broken file "bio_broken.case.json" is imported
    Then the import fails and names "CFItems[2].fullStatement"
    And the graph is unchanged

  Scenario: A suggested link is labelled as suggested
    When the teacher opens the links of "MA-C3-04"
    Then every suggested link is labelled as suggested, with a score, a method and a provenance
    And no suggested link appears among the official links

  Scenario: A teacher asks about a curriculum whose item types are not moien's
    Given the standards test curriculum, typed Standard, Cluster and Domain, is imported
    When the teacher asks the education assistant "Which standards are about place value?"
    Then the sources are standards of that curriculum, the most detailed first


  Scenario: A mapping that leaves a class out is refused, naming the class
    When the RDF file "school_units.ttl" is imported with the mapping "school_units_unmapped.yaml"
    Then the import fails and names "ignore_classes"
    And the error names the class "ex:Lesson"
    And the graph is unchanged

  Scenario: A dry run writes nothing
    When the RDF file "school_units.ttl" is tried out with the mapping "school_units_mapping.yaml"
    Then the trial run counts 6 items and lists no unmapped class
    And the graph is unchanged

  Scenario: A lesson plan's timings add up
    When the teacher asks for the lesson plan "Plan a 50-minute lesson on the water cycle for cycle 3"
    Then the plan's stages take exactly 50 minutes in all
    And the plan's text is in a language the model writes, under headings in the teacher's language
    When the teacher then asks "shorter, in German"
    Then the plan's stages take exactly 35 minutes in all
    And the new plan is written in German, citing curriculum items
