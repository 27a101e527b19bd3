# language: lu
Funktionalitéit: E Visiteur am Musée freet op Lëtzebuergesch no der Sammlung
  D'Äntwerte kommen nëmmen aus de Fichen vun der Sammlung, och wann déi op Franséisch oder Däitsch sinn.

  Szenario: E Visiteur freet no enger Buerg, déi nëmmen op Franséisch an Däitsch beschriwwen ass
    ugeholl e Visiteur um Kiosk
    wann de Visiteur freet "Wou ass d'Buerg vu Veianen?"
    dann ass d'Äntwert op "lb"
    an d'Äntwert nennt Fiche vun der Sammlung
    an eng vun de genannte Fichen ass eng vun "demo:h01, demo:dup1, demo:pc001, demo:h02"

  Szenario: E Visiteur wëll méi wëssen an ähnlech Objete gesinn
    ugeholl e Visiteur um Kiosk
    wann de Visiteur freet "Wéi huet eng Karbidluucht funktionéiert?"
    an de Visiteur freet "Erziel mer méi"
    dann geet et an der Äntwert ëm datselwecht Objet wéi virdrun
    wann de Visiteur freet "Weis mer verbonnen Objeten"
    dann nennt d'Äntwert Objeten, déi mat deem Objet verbonne sinn

  Szenario: D'Sammlung huet keng Äntwert
    ugeholl e Visiteur um Kiosk
    wann de Visiteur freet "Wat ass d'Haaptstad vu Peru?"
    dann seet d'Äntwert éierlech, datt se et net weess

  Szenario: Eng ënnerbrach Ernte fiert weider ouni Duplikater
    ugeholl en Archiv, deem säin OAI-PMH-Server no 2 Säite futti geet
    wann d'Archivarin d'Archiv ernt
    dann hält d'Ernte op a behält hire Punkt fir weiderzefueren
    wann de Server erëm leeft an d'Archivarin d'Archiv nach eng Kéier ernt
    dann ass all Fiche vum Archiv genee eng Kéier gespäichert
