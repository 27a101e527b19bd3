# language: lu
Funktionalitéit: Geschützt Dokumenter bleiwen ausserhalb vun hire Gruppen onsiichtbar (Lëtzebuergesch)
  Eng Sammlung, déi mat Gruppen importéiert gouf, kënnen nëmmen hir Memberen liesen: fir all déi aner gëtt et
  se net, den Assistent seet éierlech, datt en et net weess, a nennt näischt doraus.

  Szenario: Eng Benotzerin ouni de Grupp freet eppes, wat nëmmen déi geschützt Notiz beäntwert
    ugeholl eng geschützt Sammlung "hr", déi nëmmen de Grupp "hr" liese däerf
    wann eng Benotzerin aus dem Grupp "finance" freet "Wéi vill Deeg dierf d'Personal vun der Gemeng doheem schaffen?"
    dann ass d'Äntwert „Dat weess ech net“
    an keng Quell kënnt aus der Sammlung "hr"

  Szenario: Eng Benotzerin aus dem Grupp stellt déiselwecht Fro
    ugeholl eng geschützt Sammlung "hr", déi nëmmen de Grupp "hr" liese däerf
    wann eng Benotzerin aus dem Grupp "hr" freet "Wéi vill Deeg dierf d'Personal vun der Gemeng doheem schaffen?"
    dann kënnt eng Quell aus der Sammlung "hr"
    an ass d'Äntwert op "lb"
