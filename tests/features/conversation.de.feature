# language: de
Funktionalität: Ein Gespräch auf Deutsch mit einem lokal betriebenen Modell

  Szenario: Ein Bürger fragt nach dem Personalausweis
    Angenommen ein neues Gespräch
    Wenn ich frage "Wie viel kostet ein neuer Personalausweis?"
    Dann ist die Antwort auf "de"
    Und die Antwort stützt sich auf genannte Quellen
    Und die erste Antwort gibt an, dass sie von einer KI stammt
    Und die Antwort nennt das lokale Modell

  Szenario: Eine Lehrerin fragt nach dem Lehrplan
    Angenommen ein neues Gespräch
    Wenn ich den Assistenten "education" frage "Welche Kompetenzen behandeln den Wasserkreislauf?"
    Dann ist die Antwort auf "de"
    Und die Antwort stützt sich auf genannte Quellen
    Und jeder genannte Lehrplancode existiert im Graphen

  Szenario: Eine Frage, die die Quellen nicht beantworten
    Angenommen ein neues Gespräch
    Wenn ich den Assistenten "general" frage "Was ist die Hauptstadt von Peru?"
    Dann ist die Antwort auf "de"
    Und die Antwort sagt ehrlich, dass sie es nicht weiß

  Szenario: Eine Lehrerin erhält einen Unterrichtsplan, der auf dem Lehrplan beruht
    Angenommen ein neues Gespräch
    Wenn ich den Assistenten "education" frage "Erstelle eine Unterrichtsstunde von 45 Minuten zum Wasserkreislauf für Zyklus 3"
    Dann ist die Antwort auf "de"
    Und die Antwort enthält einen Unterrichtsplan, dessen Lernziele alle im Graphen existieren
    Und der exportierte Unterrichtsplan ist als KI-generiert gekennzeichnet
