# language: de
Funktionalität: Ein Museumsbesucher fragt auf Deutsch nach der Sammlung
  Antworten stammen nur aus den Datensätzen der Sammlung und nennen sie.

  Szenario: Ein Besucher fragt nach einem Brauch
    Angenommen ein Besucher am Kiosk
    Wenn der Besucher fragt "Was ist die Springprozession in Echternach?"
    Dann ist die Antwort auf "de"
    Und die Antwort nennt Datensätze der Sammlung
    Und einer der genannten Datensätze ist einer von "demo:h06, demo:dup2"

  Szenario: Ein Besucher will mehr wissen und verwandte Objekte sehen
    Angenommen ein Besucher am Kiosk
    Wenn der Besucher fragt "Wie funktionierte eine Karbidlampe?"
    Und der Besucher fragt "Erzähl mir mehr"
    Dann geht es in der Antwort um dasselbe Objekt wie vorher
    Wenn der Besucher fragt "Zeig mir verwandte Objekte"
    Dann nennt die Antwort Objekte, die mit diesem Objekt verknüpft sind

  Szenario: Die Sammlung hat keine Antwort
    Angenommen ein Besucher am Kiosk
    Wenn der Besucher fragt "Wie hoch ist der Mount Everest?"
    Dann sagt die Antwort ehrlich, dass sie es nicht weiß

  Szenario: Eine unterbrochene Ernte wird ohne Duplikate fortgesetzt
    Angenommen ein Archiv, dessen OAI-PMH-Server nach 2 Seiten ausfällt
    Wenn die Archivarin das Archiv erntet
    Dann bricht die Ernte ab und behält ihren Wiederaufsetzpunkt
    Wenn der Server wieder läuft und die Archivarin das Archiv erneut erntet
    Dann ist jeder Datensatz des Archivs genau einmal gespeichert
