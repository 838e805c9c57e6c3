// The report's inline style sheet: a clinical chart record on screen and on A4 paper (`@page { size: A4 }`),
// black on white, colour used only for meaning (alarm priority, chart series), tables that do not split rows
// across pages.
enum ReportStyle {
    static let css = """
        @page { size: A4; margin: 11mm 11mm 13mm 11mm; }
        * { box-sizing: border-box; }
        html { background: #ffffff; }
        body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; font-size: 9.5pt; line-height: 1.35;
               color: #1b1b1b; max-width: 188mm; margin: 8mm auto; padding: 0 4mm; }
        h1 { font-size: 15pt; margin: 0; letter-spacing: 0.2px; }
        h2 { font-size: 10.5pt; margin: 0 0 4px 0; text-transform: uppercase; letter-spacing: 0.6px; color: #333333;
             border-bottom: 1.5px solid #1b1b1b; padding-bottom: 2px; }
        header { display: flex; justify-content: space-between; align-items: flex-end; border-bottom: 3px solid #1b1b1b;
                 padding-bottom: 5px; margin-bottom: 8px; }
        header .sub { font-size: 10pt; margin-top: 3px; }
        header .flag { font-size: 7.5pt; color: #555555; margin-top: 2px; }
        .outcome { font-weight: bold; font-size: 11pt; padding: 4px 10px; border: 2px solid #1b1b1b; white-space: nowrap; }
        .outcome.completed { border-color: #2e7d32; color: #2e7d32; }
        .outcome.stopped, .outcome.abandoned { border-color: #8a6d00; color: #8a6d00; }
        .outcome.estop, .outcome.alarm, .outcome.interrupted { border-color: #c62828; color: #c62828; }
        .columns { display: flex; gap: 5mm; margin-bottom: 7px; }
        .columns > section { flex: 1 1 0; min-width: 0; }
        section { margin-bottom: 8px; }
        table { border-collapse: collapse; width: 100%; }
        table.kv th { text-align: left; font-weight: normal; color: #555555; width: 30%; padding: 1.5px 6px 1.5px 0;
                      vertical-align: top; }
        table.kv td { padding: 1.5px 0; font-weight: 600; }
        table.list th { text-align: left; font-size: 8pt; text-transform: uppercase; color: #555555;
                        border-bottom: 1px solid #9a9a9a; padding: 2px 5px 2px 0; }
        table.list td { padding: 2px 5px 2px 0; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
        table.list td.num, table.list th.num { text-align: right; font-variant-numeric: tabular-nums; }
        table.list tr.daemon td { color: #6b6b6b; }
        table.list td.nowrap { white-space: nowrap; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        .mono { font-family: 'DejaVu Sans Mono', 'Liberation Mono', monospace; font-size: 8.5pt; }
        .prio { display: inline-block; min-width: 4.4em; text-align: center; font-size: 7.5pt; font-weight: bold;
                color: #ffffff; padding: 0 4px; border-radius: 2px; }
        .prio.high { background: #c62828; } .prio.medium { background: #e08a00; } .prio.low { background: #0097a7; }
        .marker { display: inline-block; width: 1.5em; height: 1.5em; line-height: 1.5em; border-radius: 50%;
                  text-align: center; color: #ffffff; font-size: 7.5pt; font-weight: bold; }
        .note { color: #555555; font-size: 8pt; }
        .empty { color: #6b6b6b; font-style: italic; }
        .chart { border: 1px solid #c8c8c8; padding: 4px 2px 0 2px; }
        footer { margin-top: 8px; border-top: 1px solid #9a9a9a; padding-top: 4px; font-size: 7.5pt; color: #555555; }
        @media print {
          body { margin: 0; padding: 0; max-width: none; font-size: 9pt; }
          section.chart-section, .columns, header { break-inside: avoid; page-break-inside: avoid; }
          h2 { break-after: avoid; page-break-after: avoid; }
          a { color: inherit; text-decoration: none; }
        }
        """
}
