# language: fr
Fonctionnalité: Résumés, langage simple et traduction demandés dans le chat (français)
  Un agent demande à l'assistant, avec ses propres mots, de résumer, simplifier ou traduire un document qu'il peut
  lire ; la réponse est le résultat dans la langue demandée, qui cite le document et dit ce qu'est le texte.

  Scénario: Un résumé demandé dans le chat cite le document et n'invente aucun nombre
    Soit les documents de démonstration
    Quand j'écris dans le chat "Résume le document sur la carte d'identité"
    Alors la réponse cite le document "identity-card"
    Et le résultat est rédigé en "fr"
    Et le résultat garde les faits du document
    Et la réponse dit ce qu'est le texte
