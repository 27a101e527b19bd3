# language: de
Funktionalität: Die Intranetseite einer Verwaltung spricht über HTTP mit moien

  Grundlage:
    Angenommen eine Intranetseite unter "https://intranet.example.lu" ist als Site registriert

  Szenario: Ein Beamter fragt über die API nach dem Personalausweis
    Wenn die Seite fragt "Wie viel kostet ein neuer Personalausweis?"
    Dann kommen die Quellen vor dem ersten Wort der Antwort
    Und die Antwort ist auf "de" geschrieben
    Und die Antwort gibt an, dass sie von einer KI stammt
    Und jede Quelle der Antwort hat einen Titel

  Szenario: Eine leere Nachricht bekommt eine klare Antwort, keinen Fehler
    Wenn die Seite fragt "   "
    Dann antwortet die API mit einem von Menschen geschriebenen Text auf "de"

  Szenario: Eine nicht registrierte Seite wird abgewiesen
    Wenn eine Seite unter "https://anderswo.example.com" fragt "Wie viel kostet ein neuer Personalausweis?"
    Dann weist die API sie mit einem Fehler ab, der sagt, was zu tun ist
