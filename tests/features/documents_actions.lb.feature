# language: lu
Funktionalitéit: Einfach Sprooch an Iwwersetzung behalen, wat am Original steet (Lëtzebuergesch)
  Eng Versioun an Einfacher Sprooch behält all Zuel an all Datum vun hirer Quell a liest sech méi einfach; well
  de Sproochmodell nach net zouverlässeg Lëtzebuergesch schreift, ass se op Däitsch a seet dat. Eng maschinell
  Iwwersetzung (hei vun engem franséischen Text, deen eng Lëtzebuerger Beamtin op Däitsch brauch) benotzt
  d'Begrëffer aus dem Glossaire vum Ministère a seet, wat se ass.

  Szenario: Eng Versioun an Einfacher Sprooch behält all Zuel an all Datum a liest sech méi einfach
    ugeholl de Passage "No de geltende Bestëmmungen muss den Ulag fir d'Erneierung vun der Identitéitskaart spéitstens den 30. Abrëll 2026 am Biergerbüro agereecht ginn, nodeems eng administrativ Taxe vu 14 Euro am Viraus bezuelt gouf."
    wann ech eng Versioun an Einfacher Sprooch ufroen
    dann huet d'Versioun all Zuel an all Datum vum Passage
    an d'Versioun liest sech méi einfach
    an d'Versioun seet, firwat se net op Lëtzebuergesch ass

  Szenario: E Begrëff aus dem Glossaire gëtt an enger Iwwersetzung benotzt
    ugeholl de Glossaire vum Ministère
    wann ech "Apportez votre certificat de résidence à la mairie." op "de" iwwersetzen
    dann benotzt d'Iwwersetzung de Begrëff aus dem Glossaire fir "certificat de résidence"
    an d'Iwwersetzung ass als maschinell Iwwersetzung markéiert an op "de" geschriwwen
