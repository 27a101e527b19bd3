# language: lu
Funktionalitéit: Eng Conversatioun op Lëtzebuergesch mat engem lokale Modell

  Szenario: Eng Mamm freet no der Schoul
    ugeholl eng nei Conversatioun
    wann ech froen "Wéini fänkt d'Schoul un?"
    dann ass d'Äntwert op "lb"
    an d'Äntwert stäipt sech op genannte Quellen oder seet éierlech, datt se draus net äntwere kann
    an déi éischt Äntwert seet, datt et eng KI ass
    an d'Äntwert nennt de lokale Modell

  Szenario: En Enseignant freet no de Schoulprogrammer
    ugeholl eng nei Conversatioun
    wann ech den Assistent "education" froen "Wéi eng Kompetenzen gëtt et zu de Multiplikatiounstabellen?"
    dann ass d'Äntwert op "lb"
    an d'Äntwert stäipt sech op genannte Quellen
    an all genannte Code vum Programm gëtt et am Graph

  Szenario: Eng Fro, op déi d'Quellen keng Äntwert hunn
    ugeholl eng nei Conversatioun
    wann ech den Assistent "general" froen "Wat ass d'Haaptstad vu Peru?"
    dann ass d'Äntwert op "lb"
    an d'Äntwert seet éierlech, datt se et net weess

  Szenario: Eng Enseignante kritt e Plang fir eng Schoulstonn, deen op dem Programm berout
    ugeholl eng nei Conversatioun
    wann ech den Assistent "education" froen "Maach mer e Plang fir eng Schoulstonn vu 45 Minutten iwwer de Waasserkreeslaf fir den Zyklus 3"
    dann ass d'Äntwert op "lb"
    an d'Äntwert huet e Plang, deem seng Léierziler all am Graph sinn
    an de exportéierte Plang ass als KI-generéiert markéiert
