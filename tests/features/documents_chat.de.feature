# language: de
Funktionalität: Zusammenfassungen, einfache Sprache und Übersetzung im Chat (Deutsch)
  Eine Beamtin bittet den Assistenten mit ihren eigenen Worten, ein Dokument, das sie lesen darf, zusammenzufassen,
  zu vereinfachen oder zu übersetzen; die Antwort ist das Ergebnis in der gewünschten Sprache, zitiert das Dokument
  und sagt, was der Text ist.

  Szenario: Eine im Chat erbetene Übersetzung ist als maschinelle Übersetzung gekennzeichnet und behält die Fakten
    Angenommen die Demo-Dokumente
    Wenn ich im Chat "Übersetze das Dokument über den Personalausweis ins Französische" schreibe
    Dann zitiert die Antwort das Dokument "identity-card"
    Und ist das Ergebnis auf "fr" geschrieben
    Und behält das Ergebnis die Fakten des Dokuments
    Und sagt die Antwort, was der Text ist
