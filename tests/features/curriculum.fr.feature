# language: fr
Fonctionnalité: Le graphe des programmes en français

  Contexte:
    Soit le programme de biologie de test, en français seulement, importé

  Scénario: Une enseignante cherche en luxembourgeois et trouve un élément français
    Quand l'enseignante cherche "Wéi bauen ech mat der Klass en Insektenhotel?"
    Alors le premier résultat est "TBIO-04"
    Et son énoncé n'existe qu'en français

  Scénario: Réimporter le même fichier ne change rien
    Quand le même fichier est importé à nouveau
    Alors l'import indique que rien n'a changé
    Et le graphe est inchangé

  Scénario: Un fichier cassé laisse le graphe inchangé
    Quand le fichier cassé "bio_broken.case.json" est importé
    Alors l'import échoue en nommant "CFItems[2].fullStatement"
    Et le graphe est inchangé

  Scénario: Un lien suggéré est présenté comme suggéré
    Quand l'enseignante ouvre les liens de "MA-C3-04"
    Alors chaque lien suggéré est présenté comme suggéré, avec un score, une méthode et une provenance
    Et aucun lien suggéré ne figure parmi les liens officiels

  Scénario: Une enseignante interroge un référentiel dont les types d'éléments ne sont pas ceux de moien
    Soit le référentiel de test en standards, typé Standard, Cluster et Domain, importé
    Quand l'enseignante demande à l'assistant éducation "Which standards are about place value?"
    Alors les sources sont des standards de ce référentiel, les plus détaillés d'abord


  Scénario: Un mapping qui oublie une classe est refusé, en nommant la classe
    Quand le fichier RDF "school_units.ttl" est importé avec le mapping "school_units_unmapped.yaml"
    Alors l'import échoue en nommant "ignore_classes"
    Et l'erreur nomme la classe "ex:Lesson"
    Et le graphe est inchangé

  Scénario: Un essai à blanc n'écrit rien
    Quand le fichier RDF "school_units.ttl" est essayé à blanc avec le mapping "school_units_mapping.yaml"
    Alors l'essai à blanc compte 6 éléments et ne signale aucune classe non mappée
    Et le graphe est inchangé

  Scénario: Les durées d'un plan de séance tombent juste
    Quand l'enseignante demande le plan de séance "Prépare une leçon de 50 minutes sur le cycle de l'eau pour le cycle 3"
    Alors les étapes du plan durent exactement 50 minutes en tout
    Et le texte du plan est dans une langue que le modèle écrit, sous des titres dans la langue de l'enseignante
    Quand l'enseignante demande ensuite "plus court"
    Alors les étapes du plan durent exactement 35 minutes en tout
    Et seules les étapes ont été réécrites
