# language: fr
Fonctionnalité: Le langage simple et la traduction gardent ce que dit l'original (français)
  Une version en langage simple (FALC) garde chaque nombre et chaque date de sa source et se lit plus facilement
  selon la formule de lisibilité de sa langue ; une traduction automatique emploie les termes du glossaire du
  ministère et dit ce qu'elle est.

  Scénario: Une version en langage simple garde chaque nombre et chaque date et se lit plus facilement
    Soit le passage "Conformément aux dispositions en vigueur, la demande de renouvellement de la carte d'identité doit être introduite auprès du bureau de la population au plus tard le 30 avril 2026, moyennant le paiement préalable d'une taxe administrative d'un montant de 14 euros."
    Quand je demande une version en langage simple
    Alors la version garde chaque nombre et chaque date du passage
    Et la version se lit plus facilement selon la formule de sa langue

  Scénario: Un terme du glossaire est employé dans une traduction
    Soit le glossaire du ministère
    Quand je traduis "Apportez votre carte d'identité au bureau de la population." en "en"
    Alors la traduction emploie le terme du glossaire pour "carte d'identité"
    Et la traduction est signalée comme traduction automatique et rédigée en "en"
