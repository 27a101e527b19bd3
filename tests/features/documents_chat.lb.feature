# language: lu
Funktionalitéit: Resuméen, Einfach Sprooch an Iwwersetzungen am Chat (Lëtzebuergesch)
  Eng Beamtin freet den Assistent mat hiren eegene Wierder, en Dokument, dat si liese kann, zesummenzefaassen, an
  Einfach Sprooch ze schreiwen oder ze iwwersetzen. Well de Sproochmodell nach net zouverlässeg Lëtzebuergesch
  schreift, ass de Resumé op Däitsch a seet dat; eng Iwwersetzung op Lëtzebuergesch gëtt ofgeleent, mat Däitsch
  oder Franséisch als Alternativ.

  Szenario: E Resumé, deen am Chat gefrot gëtt, zitéiert d'Dokument a seet, firwat en op Däitsch ass
    ugeholl d'Demo-Dokumenter
    wann ech am Chat "Fass d'Dokument iwwer d'Identitéitskaart zesummen" schreiwen
    dann zitéiert d'Äntwert d'Dokument "identity-card"
    an ass d'Resultat op "de" geschriwwen
    an behält d'Resultat d'Fakten vum Dokument
    an seet d'Äntwert op Lëtzebuergesch, firwat se op Däitsch ass
    an seet d'Äntwert, wat den Text ass

  Szenario: Eng Iwwersetzung op Lëtzebuergesch gëtt ofgeleent, mat Däitsch oder Franséisch als Alternativ
    ugeholl d'Demo-Dokumenter
    wann ech am Chat "Iwwersetz d'Dokument iwwer d'Identitéitskaart op Lëtzebuergesch" schreiwen
    dann bitt d'Äntwert eng Iwwersetzung op "Däitsch" un
