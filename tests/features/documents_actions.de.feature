# language: de
Funktionalität: Einfache Sprache und Übersetzung behalten, was das Original sagt (Deutsch)
  Eine Fassung in Leichter Sprache behält jede Zahl und jedes Datum ihrer Quelle und liest sich nach der
  Lesbarkeitsformel ihrer Sprache leichter; eine maschinelle Übersetzung verwendet die Glossarbegriffe des
  Ministeriums und sagt, was sie ist.

  Szenario: Eine Fassung in einfacher Sprache behält jede Zahl und jedes Datum und liest sich leichter
    Angenommen der Abschnitt "Gemäß den geltenden Bestimmungen ist der Antrag auf Verlängerung des Personalausweises spätestens am 30. April 2026 unter vorheriger Entrichtung einer Verwaltungsgebühr in Höhe von 14 Euro beim Bürgeramt einzureichen."
    Wenn ich eine Fassung in einfacher Sprache anfordere
    Dann enthält die Fassung jede Zahl und jedes Datum des Abschnitts
    Und die Fassung liest sich nach der Formel ihrer Sprache leichter

  Szenario: Ein Glossarbegriff wird in einer Übersetzung verwendet
    Angenommen das Glossar des Ministeriums
    Wenn ich "Bringen Sie Ihren Wohnsitznachweis zum Termin im Rathaus mit." in die Sprache "en" übersetze
    Dann verwendet die Übersetzung den Glossarbegriff für "Wohnsitznachweis"
    Und die Übersetzung ist als maschinelle Übersetzung gekennzeichnet und auf "en" geschrieben
