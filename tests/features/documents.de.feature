# language: de
Funktionalität: Geschützte Dokumente bleiben außerhalb ihrer Gruppen unsichtbar (Deutsch)
  Eine mit Gruppen importierte Sammlung können nur deren Mitglieder lesen: für alle anderen gibt es sie nicht,
  der Assistent sagt ehrlich, dass er es nicht weiß, und nennt nichts daraus.

  Szenario: Eine Benutzerin ohne die Gruppe fragt, was nur die geschützte Notiz beantwortet
    Angenommen eine geschützte Sammlung "hr", die nur die Gruppe "hr" lesen darf
    Wenn eine Benutzerin der Gruppe "finance" fragt "Wie viele Tage Homeoffice darf das Gemeindepersonal machen?"
    Dann ist die Antwort „Das weiß ich nicht“
    Und keine Quelle stammt aus der Sammlung "hr"

  Szenario: Eine Benutzerin der Gruppe stellt dieselbe Frage
    Angenommen eine geschützte Sammlung "hr", die nur die Gruppe "hr" lesen darf
    Wenn eine Benutzerin der Gruppe "hr" fragt "Wie viele Tage Homeoffice darf das Gemeindepersonal machen?"
    Dann stammt eine Quelle aus der Sammlung "hr"
    Und ist die Antwort auf "de"
