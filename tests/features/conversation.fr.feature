# language: fr
Fonctionnalité: Une conversation en français avec un modèle hébergé localement

  Scénario: Une citoyenne demande le calendrier scolaire
    Soit une nouvelle conversation
    Quand je demande "Quand commence l'année scolaire ?"
    Alors la réponse est en "fr"
    Et la réponse est fondée sur des sources citées
    Et la première réponse indique qu'il s'agit d'une IA
    Et la réponse nomme le modèle local

  Scénario: Un enseignant interroge le programme
    Soit une nouvelle conversation
    Quand je demande à l'assistant "education" "Quelles compétences portent sur le cycle de l'eau ?"
    Alors la réponse est en "fr"
    Et la réponse est fondée sur des sources citées
    Et chaque code de programme cité existe dans le graphe

  Scénario: Une question à laquelle les sources ne répondent pas
    Soit une nouvelle conversation
    Quand je demande à l'assistant "general" "Quelle est la capitale du Pérou ?"
    Alors la réponse est en "fr"
    Et la réponse dit honnêtement qu'elle ne sait pas

  Scénario: Une enseignante obtient un plan de séance fondé sur le programme
    Soit une nouvelle conversation
    Quand je demande à l'assistant "education" "Prépare une leçon de 45 minutes sur le cycle de l'eau pour le cycle 3"
    Alors la réponse est en "fr"
    Et la réponse contient un plan de séance dont tous les objectifs existent dans le graphe
    Et le plan de séance exporté est marqué comme généré par une IA
