# language: de
Funktionalität: Der Lehrplangraph auf Deutsch

  Grundlage:
    Angenommen der nur französische Biologie-Testlehrplan ist importiert

  Szenario: Eine Lehrerin sucht auf Luxemburgisch und findet ein französisches Element
    Wenn die Lehrerin nach "Wéi bauen ech mat der Klass en Insektenhotel?" sucht
    Dann ist das erste Ergebnis "TBIO-04"
    Und seine Aussage gibt es nur auf Französisch

  Szenario: Dieselbe Datei erneut zu importieren ändert nichts
    Wenn dieselbe Datei erneut importiert wird
    Dann meldet der Import, dass sich nichts geändert hat
    Und der Graph ist unverändert

  Szenario: Eine fehlerhafte Datei lässt den Graphen unverändert
    Wenn die fehlerhafte Datei "bio_broken.case.json" importiert wird
    Dann schlägt der Import fehl und nennt "CFItems[2].fullStatement"
    Und der Graph ist unverändert

  Szenario: Eine vorgeschlagene Verknüpfung ist als Vorschlag gekennzeichnet
    Wenn die Lehrerin die Verknüpfungen von "MA-C3-04" öffnet
    Dann ist jede vorgeschlagene Verknüpfung als Vorschlag gekennzeichnet, mit Punktzahl, Methode und Herkunft
    Und keine vorgeschlagene Verknüpfung steht unter den offiziellen Verknüpfungen

  Szenario: Eine Lehrerin fragt zu einem Lehrplan, dessen Elementtypen nicht die von moien sind
    Angenommen der Standards-Testlehrplan mit den Typen Standard, Cluster und Domain ist importiert
    Wenn die Lehrerin den Bildungsassistenten fragt "Which standards are about place value?"
    Dann sind die Quellen Standards dieses Lehrplans, die detailliertesten zuerst


  Szenario: Ein Mapping, das eine Klasse auslässt, wird abgelehnt und nennt die Klasse
    Wenn die RDF-Datei "school_units.ttl" mit dem Mapping "school_units_unmapped.yaml" importiert wird
    Dann schlägt der Import fehl und nennt "ignore_classes"
    Und der Fehler nennt die Klasse "ex:Lesson"
    Und der Graph ist unverändert

  Szenario: Ein Probelauf schreibt nichts
    Wenn die RDF-Datei "school_units.ttl" mit dem Mapping "school_units_mapping.yaml" probeweise importiert wird
    Dann zählt der Probelauf 6 Elemente und meldet keine nicht abgebildete Klasse
    Und der Graph ist unverändert

  Szenario: Die Zeiten eines Unterrichtsplans gehen auf
    Wenn die Lehrerin den Unterrichtsplan "Erstelle eine Unterrichtsstunde von 50 Minuten zum Thema Wasserkreislauf für Zyklus 3" anfordert
    Dann dauern die Phasen des Plans zusammen genau 50 Minuten
    Und der Text des Plans ist in einer Sprache, die das Modell schreibt, unter Überschriften in der Sprache der Lehrerin
    Wenn die Lehrerin danach "kürzer" verlangt
    Dann dauern die Phasen des Plans zusammen genau 35 Minuten
    Und es wurden nur die Phasen neu geschrieben
