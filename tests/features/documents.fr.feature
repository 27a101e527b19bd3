# language: fr
Fonctionnalité: Les documents réservés restent invisibles hors de leurs groupes (français)
  Une collection importée avec des groupes n'est lisible que par leurs membres : pour les autres elle n'existe
  pas, l'assistant dit honnêtement qu'il ne sait pas et n'en cite rien.

  Scénario: Une utilisatrice hors du groupe pose une question à laquelle seule la note réservée répond
    Soit une collection réservée "hr" que seul le groupe "hr" peut lire
    Quand une utilisatrice du groupe "finance" demande "Combien de jours de télétravail le personnel communal peut-il faire ?"
    Alors la réponse est « je ne sais pas »
    Et aucune source ne vient de la collection "hr"

  Scénario: Une utilisatrice du groupe pose la même question
    Soit une collection réservée "hr" que seul le groupe "hr" peut lire
    Quand une utilisatrice du groupe "hr" demande "Combien de jours de télétravail le personnel communal peut-il faire ?"
    Alors une source vient de la collection "hr"
    Et la réponse est en "fr"
