# language: lu
Funktionalitéit: D'Intranetsäit vun enger Verwaltung schwätzt iwwer HTTP mat moien

  Hannergrond:
    ugeholl eng Intranetsäit op "https://intranet.example.lu" ass als Site registréiert

  Szenario: Eng Beamtin freet iwwer d'API, wéi ee säi Kand an der Schoul umellt
    wann d'Säit freet "Wéi mellen ech mäi Kand an der Schoul un?"
    dann kommen d'Quellen virum éischte Wuert vun der Äntwert
    an d'Äntwert ass op "lb" geschriwwen
    an d'Äntwert seet, wou se hierkënnt
    an all Quell vun der Äntwert huet en Titel

  Szenario: En eidele Message kritt eng kloer Äntwert, kee Feeler
    wann d'Säit freet "   "
    dann äntwert d'API mat engem Text, dee vu Mënsche geschriwwen ass, op "lb"

  Szenario: Eng Säit, déi net registréiert ass, gëtt refuséiert
    wann eng Säit op "https://soss.example.com" freet "Wéi mellen ech mäi Kand an der Schoul un?"
    dann refuséiert d'API se mat engem Feeler, dee seet, wat ze maache wier
