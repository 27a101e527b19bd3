# language: fr
Fonctionnalité: La page intranet d'une administration parle à moien par HTTP

  Contexte:
    Soit une page intranet à "https://intranet.example.lu" enregistrée comme site

  Scénario: Une fonctionnaire demande le calendrier scolaire par l'API
    Quand la page demande "Quand commence l'année scolaire ?"
    Alors les sources arrivent avant le premier mot de la réponse
    Et la réponse est écrite en "fr"
    Et la réponse indique qu'elle vient d'une IA
    Et chaque source de la réponse a un titre

  Scénario: Un message vide reçoit une réponse claire, pas une erreur
    Quand la page demande "   "
    Alors l'API répond par un texte écrit par des personnes en "fr"

  Scénario: Une page non enregistrée est refusée
    Quand une page à "https://ailleurs.example.com" demande "Quand commence l'année scolaire ?"
    Alors l'API la refuse avec une erreur qui dit quoi faire
