# language: lu
Funktionalitéit: De Graph vun de Schoulprogrammer op Lëtzebuergesch

  Hannergrond:
    ugeholl de Biologie-Testprogramm, nëmmen op Franséisch, ass importéiert

  Szenario: Eng Enseignante sicht op Lëtzebuergesch a fënnt e franséischt Element
    wann d'Enseignante no "Wéi bauen ech mat der Klass en Insektenhotel?" sicht
    dann ass dat éischt Resultat "TBIO-04"
    an seng Aussoe gëtt et nëmmen op Franséisch

  Szenario: E Wuert, dat just am Dictionnaire steet, fënnt säi franséischt Element
    # "Uebstbeem" (arbres fruitiers) steet net an der Schoulvokabulär, mee am Lëtzebuerger Online Dictionnaire
    wann d'Enseignante no "Firwat brauche mir Beien fir d'Uebstbeem?" sicht
    dann ass dat éischt Resultat "TBIO-03"

  Szenario: Dee selwechte Fichier nach eng Kéier importéieren ännert näischt
    wann dee selwechte Fichier nach eng Kéier importéiert gëtt
    dann seet den Import, datt sech näischt geännert huet
    an de Graph ass onverännert

  Szenario: E futtise Fichier léisst de Graph onverännert
    wann de futtise Fichier "bio_broken.case.json" importéiert gëtt
    dann schléit den Import feel a nennt "CFItems[2].fullStatement"
    an de Graph ass onverännert

  Szenario: E proposéierte Link ass als Propos gekennzeechent
    wann d'Enseignante d'Linke vun "MA-C3-04" opmécht
    dann ass all proposéierte Link als Propos gekennzeechent, mat Score, Method an Hierkonft
    an kee proposéierte Link steet ënnert den offizielle Linken

  Szenario: Eng Enseignante freet no engem Programm, deem seng Elementtypen net déi vu moien sinn
    ugeholl de Standards-Testprogramm mat den Typen Standard, Cluster an Domain ass importéiert
    wann d'Enseignante den Educatiounsassistent freet "Which standards are about place value?"
    dann sinn d'Quelle Standarde vun deem Programm, déi detailléiertst als éischt


  Szenario: E Mapping, dat eng Klass vergësst, gëtt refuséiert a nennt d'Klass
    wann de RDF-Fichier "school_units.ttl" mam Mapping "school_units_unmapped.yaml" importéiert gëtt
    dann schléit den Import feel a nennt "ignore_classes"
    an de Feeler nennt d'Klass "ex:Lesson"
    an de Graph ass onverännert

  Szenario: E Probelaf schreift näischt
    wann de RDF-Fichier "school_units.ttl" mam Mapping "school_units_mapping.yaml" op Prouf importéiert gëtt
    dann zielt de Probelaf 6 Elementer a mellt keng Klass ouni Mapping
    an de Graph ass onverännert

  Szenario: D'Zäite vun engem Plang fir eng Schoulstonn ginn op
    wann d'Enseignante de Plang "Maach mer e Plang fir eng Schoulstonn vu 50 Minutten iwwer de Waasserkreeslaf fir den Zyklus 3" ufrot
    dann daueren d'Etappe vum Plang zesummen genee 50 Minutten
    an den Text vum Plang ass an enger Sprooch, déi de Modell schreift, ënner Iwwerschrëften an der Sprooch vun der Enseignante
    wann d'Enseignante dann "méi kuerz" freet
    dann daueren d'Etappe vum Plang zesummen genee 35 Minutten
    an et goufen nëmmen d'Etappen nei geschriwwen
