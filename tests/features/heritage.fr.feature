# language: fr
Fonctionnalité: Un visiteur du musée interroge la collection en français
  Les réponses viennent seulement des notices de la collection, les citent, et sont courtes au kiosque.

  Scénario: Un visiteur demande qui a peint un objet, et la réponse est courte
    Soit un visiteur au kiosque
    Quand le visiteur demande "Qui a peint le château de Vianden ?"
    Alors la réponse est en "fr"
    Et la réponse cite des notices de la collection
    Et l'une des notices citées est l'une de "demo:h01, demo:dup1"
    Et la réponse compte au plus 80 mots

  Scénario: Un visiteur veut en savoir plus, puis voir des objets liés
    Soit un visiteur au kiosque
    Quand le visiteur demande "Comment fonctionnait une lampe de mineur ?"
    Et le visiteur demande "Dites-m'en plus"
    Alors la réponse parle du même objet qu'avant
    Quand le visiteur demande "Montrez-moi des objets liés"
    Alors la réponse cite des objets liés à cet objet

  Scénario: La collection n'a pas de réponse
    Soit un visiteur au kiosque
    Quand le visiteur demande "Quelle est la capitale du Pérou ?"
    Alors la réponse dit honnêtement qu'elle ne sait pas

  Scénario: Une moisson interrompue reprend sans doublons
    Soit une archive dont le serveur OAI-PMH tombe en panne après 2 pages
    Quand la conservatrice moissonne l'archive
    Alors la moisson s'arrête et garde son point de reprise
    Quand le serveur refonctionne et la conservatrice moissonne à nouveau l'archive
    Alors chaque notice de l'archive est enregistrée une seule fois
