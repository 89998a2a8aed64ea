"""Regenerate the binary documents of the sample knowledge base.

Run from the repository root::

    /tmp/venv/bin/python scripts/build_sample_binaries.py

It writes two files under ``knowledge/sample/``:

- ``regolamento-rimborsi.pdf`` — the EU-ALLIANCE reimbursement regulation (fpdf2, text
  layer, one article group per page). Its figures must agree with the rules in
  ``knowledge/sample/catalog/eu-alliance.yaml``.
- ``glossario.docx`` — the glossary (python-docx, one Heading 2 per term under Heading 1
  sections).

Everything in them is sample content with invented figures. Output is deterministic:
fixed creation dates, a content-derived PDF file id, fixed zip timestamps in the DOCX.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from fpdf import FPDF

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "knowledge" / "sample"
PDF_PATH = SAMPLE / "regolamento-rimborsi.pdf"
DOCX_PATH = SAMPLE / "glossario.docx"

FIXED_DATE = dt.datetime(2026, 10, 15, 9, 0, 0, tzinfo=dt.UTC)
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]

SAMPLE_NOTICE = "Contenuto di esempio per la demo di Sportello: nomi, date e cifre sono inventati."

# ---------------------------------------------------------------------------
# The reimbursement regulation. Each page is a list of blocks:
#   ("h", text) article heading, ("p", text) paragraph, ("b", text) bullet,
#   ("t", [[cells], ...]) table whose first row is the header.
# ---------------------------------------------------------------------------

PDF_TITLE = "Regolamento per il rimborso parziale delle spese di partecipazione alle missioni EU-ALLIANCE"

REGULATION_PAGES: list[list[tuple[str, object]]] = [
    [
        (
            "p",
            "Edizione 2027 (versione 2.0), approvata dal comitato di pilotaggio del progetto il 15 ottobre "
            "2026. Sostituisce la versione 1.0 del 2026, salvo quanto previsto dall'articolo 9.",
        ),
        ("h", "Articolo 1 – Oggetto e dotazione"),
        (
            "p",
            "1. Il presente Regolamento disciplina il rimborso parziale delle spese sostenute dalle piccole e "
            "medie imprese (PMI) per partecipare alle missioni commerciali del programma EU-ALLIANCE, "
            "progetto finanziato dal Programma per il Mercato Unico (ex COSME) e coordinato da Techtera.",
        ),
        ("p", "2. Il Regolamento si applica alle missioni del 2027:"),
        ("b", "Stati Uniti (Boston e Washington D.C.), dal 19 al 23 aprile 2027;"),
        ("b", "Giappone (Tokyo e Osaka), dal 14 al 18 giugno 2027;"),
        ("b", "Indonesia (Giacarta e Bandung), dal 13 al 17 settembre 2027."),
        (
            "p",
            "3. La dotazione disponibile per i rimborsi delle missioni 2027 è di 90.000 euro. I rimborsi sono "
            "concessi fino a esaurimento della dotazione, nell'ordine di ricezione delle domande complete.",
        ),
        ("h", "Articolo 2 – Beneficiari"),
        ("p", "1. Possono chiedere il rimborso le imprese che, alla data della domanda:"),
        (
            "b",
            "sono PMI ai sensi della Raccomandazione 2003/361/CE (meno di 250 dipendenti e fatturato annuo "
            "non superiore a 50 milioni di euro oppure totale di bilancio non superiore a 43 milioni di euro);",
        ),
        (
            "b",
            "hanno sede legale o operativa in uno Stato membro dell'Unione europea o in un paese che partecipa "
            "al Programma per il Mercato Unico;",
        ),
        ("b", "sono state selezionate per la missione e hanno pagato la quota di partecipazione;"),
        ("b", "hanno effettivamente partecipato alla missione, come risulta dall'attestato di partecipazione;"),
        (
            "b",
            "non sono imprese in difficoltà secondo la normativa europea e sono in regola con i contributi "
            "previdenziali (per le imprese italiane il DURC è acquisito d'ufficio).",
        ),
        (
            "p",
            "2. Sono ammessi anche i liberi professionisti titolari di partita IVA e le start-up già "
            "costituite, se rispettano i requisiti del comma 1.",
        ),
        (
            "p",
            "3. Il rimborso spetta a un solo partecipante per impresa e per missione. Ogni impresa può "
            "ottenere il rimborso per al massimo due missioni del programma.",
        ),
        ("p", "4. Le grandi imprese non sono ammesse al rimborso."),
    ],
    [
        ("h", "Articolo 3 – Misura del rimborso e massimali"),
        (
            "p",
            "1. Il programma rimborsa il 50% delle spese ammissibili, al netto dell'IVA recuperabile, "
            "entro i massimali della tabella seguente. Il rimborso complessivo non può superare 2.500 euro "
            "per PMI e per missione.",
        ),
        (
            "t",
            [
                ["Categoria di spesa", "Rimborso massimo"],
                ["Viaggio A/R (volo in classe economica o treno)", "€ 800 per missione"],
                ["Alloggio (massimo 5 notti)", "€ 100 per notte"],
                ["Trasporti locali (taxi, treni urbani e regionali, transfer)", "€ 150 per missione"],
                ["Quote di iscrizione a fiere o eventi e spazi espositivi", "€ 1.000 per missione"],
                ["Visto d'ingresso e assicurazione sanitaria di viaggio", "€ 100 per missione"],
            ],
        ),
        (
            "p",
            "2. I massimali si riferiscono all'importo rimborsato, cioè al 50% della spesa. Le notti di "
            "alloggio ammesse sono quelle comprese tra la notte precedente l'inizio e l'ultima notte della "
            "missione, fino a un massimo di 5.",
        ),
        (
            "p",
            "3. Le spese in valuta estera sono convertite in euro al tasso applicato dalla banca risultante "
            "dall'estratto conto o, in mancanza, al tasso di cambio della Banca centrale europea del giorno "
            "del pagamento.",
        ),
        (
            "p",
            "Esempio 1 – missione in Giappone. Volo 1.450 euro: rimborso 725 euro. Alloggio 5 notti a 160 "
            "euro (800 euro): rimborso 80 euro a notte, cioè 400 euro. Trasporti locali 220 euro: rimborso "
            "110 euro. Assicurazione sanitaria 60 euro: rimborso 30 euro. Pasti 300 euro: non ammissibili. "
            "Rimborso totale: 1.265 euro.",
        ),
        (
            "p",
            "Esempio 2 – missione negli Stati Uniti. Volo 2.100 euro: il 50% sarebbe 1.050 euro, si "
            "applica il massimale di 800 euro. Alloggio 5 notti a 260 euro: il 50% sarebbe 130 euro a notte, "
            "si applica il massimale di 100 euro a notte, cioè 500 euro. Quota di una fiera inserita nel "
            "programma 1.800 euro: rimborso 900 euro. Taxi 400 euro: rimborso 150 euro (massimale). ESTA e "
            "assicurazione 120 euro: rimborso 60 euro. Rimborso totale: 2.410 euro, sotto il limite di "
            "2.500 euro.",
        ),
    ],
    [
        ("h", "Articolo 4 – Spese non ammissibili"),
        ("p", "Non sono rimborsabili:"),
        ("b", "pasti, bevande e spese di rappresentanza;"),
        ("b", "l'IVA recuperabile;"),
        ("b", "la quota di partecipazione alla missione versata al cluster organizzatore;"),
        ("b", "le spese del secondo partecipante o di accompagnatori;"),
        ("b", "i voli in classe business o first;"),
        ("b", "gli extra alberghieri (minibar, lavanderia, servizi in camera);"),
        ("b", "il noleggio di auto;"),
        ("b", "le penali di cancellazione, salvo i casi di forza maggiore previsti dall'articolo 8;"),
        ("b", "le spese pagate in contanti, salvo taxi e trasporti locali fino a 50 euro per singola spesa;"),
        ("b", "le spese già finanziate da un altro programma pubblico (divieto di doppio finanziamento)."),
        ("h", "Articolo 5 – Documentazione richiesta"),
        ("p", "1. La domanda di rimborso comprende:"),
        ("b", "il modulo di richiesta di rimborso (Allegato B), firmato digitalmente dal legale rappresentante;"),
        (
            "b",
            "le carte d'imbarco di andata e ritorno o i biglietti del treno; in caso di smarrimento, la "
            "ricevuta elettronica del biglietto con la conferma di volo volato rilasciata dalla compagnia;",
        ),
        ("b", "le fatture o ricevute intestate all'impresa, con indicazione della data e del servizio;"),
        ("b", "le prove di pagamento: estratto conto, ricevuta di bonifico o di carta di credito aziendale;"),
        ("b", "la dichiarazione de minimis (Allegato C) aggiornata alla data della domanda;"),
        ("b", "l'attestato di partecipazione rilasciato dal cluster organizzatore;"),
        (
            "b",
            "la visura camerale non anteriore a 6 mesi (per i liberi professionisti, il certificato di "
            "attribuzione della partita IVA);",
        ),
        ("b", "le coordinate bancarie (IBAN) su carta intestata dell'impresa."),
        (
            "p",
            "2. Le fatture in lingue diverse dall'italiano, dall'inglese o dal francese vanno accompagnate da "
            "una breve traduzione della descrizione della spesa. Le ricevute di hotel prenotati tramite "
            "piattaforme online devono riportare il nome del partecipante e le date del soggiorno.",
        ),
        ("h", "Articolo 6 – Termini e modalità di presentazione"),
        (
            "p",
            "1. La domanda va inviata entro 30 giorni di calendario dall'ultimo giorno della missione, "
            "quindi entro il 23 maggio 2027 per gli Stati Uniti, entro il 18 luglio 2027 per il Giappone ed "
            "entro il 17 ottobre 2027 per l'Indonesia. Le domande inviate oltre il termine non sono ammesse.",
        ),
        (
            "p",
            '2. La domanda si invia via PEC a sportello@pec.sportello-esempio.it, con oggetto "Rimborso '
            "EU-ALLIANCE – missione – ragione sociale\", oppure si carica nell'area riservata del portale. "
            "Gli allegati vanno inviati in formato PDF, per un massimo di 20 MB per messaggio.",
        ),
        (
            "p",
            "3. Le imprese non italiane prive di PEC possono inviare la domanda per e-mail a "
            "rimborsi@sportello-esempio.it, con firma elettronica qualificata.",
        ),
    ],
    [
        ("h", "Articolo 7 – Istruttoria e pagamento"),
        (
            "p",
            "1. L'Ufficio Rimborsi verifica la domanda entro 30 giorni dalla ricezione. Se la documentazione "
            "è incompleta, chiede le integrazioni via e-mail o PEC: l'impresa ha 10 giorni lavorativi per "
            "inviarle, pena l'esclusione delle spese non documentate.",
        ),
        (
            "p",
            "2. Il rimborso è pagato con bonifico entro 90 giorni dalla ricezione della domanda completa. In "
            "caso di integrazioni, il termine decorre dalla ricezione dell'ultima integrazione.",
        ),
        (
            "p",
            "3. L'importo riconosciuto è comunicato all'impresa prima del pagamento, con il dettaglio delle "
            "spese ammesse e di quelle escluse e la relativa motivazione.",
        ),
        (
            "p",
            "4. Il rimborso è un aiuto concesso in regime de minimis ai sensi del Regolamento (UE) 2023/2831: "
            "l'impresa unica non può ricevere più di 300.000 euro di aiuti de minimis in un periodo di tre "
            "anni. Per le imprese italiane l'aiuto è registrato nel Registro nazionale degli aiuti di Stato.",
        ),
        ("h", "Articolo 8 – Rinuncia, annullamento, forza maggiore e revoca"),
        (
            "p",
            "1. L'impresa che rinuncia per iscritto almeno 30 giorni prima dell'inizio della missione "
            "ottiene la restituzione integrale della quota di partecipazione. In caso di rinuncia successiva "
            "la quota è trattenuta, salvo che il posto sia riassegnato a un'impresa in lista d'attesa.",
        ),
        (
            "p",
            "2. Se l'impresa non partecipa, le spese di viaggio e alloggio già sostenute non sono rimborsate. "
            "Fanno eccezione i casi di forza maggiore documentata (malattia o infortunio del partecipante, "
            "lutto in famiglia, cancellazione del volo o calamità che impediscono il viaggio): in questi casi "
            "è rimborsato il 50% delle spese non recuperabili, entro i massimali dell'articolo 3.",
        ),
        (
            "p",
            "3. Se la missione è annullata dagli organizzatori, la quota di partecipazione è restituita per "
            "intero ed è rimborsato il 50% delle spese di viaggio e alloggio non recuperabili già sostenute, "
            "entro i massimali dell'articolo 3.",
        ),
        (
            "p",
            "4. La mancata partecipazione, senza giustificato motivo, a più della metà degli incontri B2B "
            "programmati comporta la riduzione del rimborso del 50%.",
        ),
        (
            "p",
            "5. Il rimborso è revocato e le somme già pagate sono restituite con gli interessi legali in caso "
            "di dichiarazioni false, di documenti non autentici o di doppio finanziamento della stessa spesa.",
        ),
    ],
    [
        ("h", "Articolo 9 – Disposizioni transitorie: missione in Canada 2026"),
        (
            "p",
            "1. La missione in Canada (Montréal e Ottawa, dall'8 all'11 giugno 2026) resta disciplinata dalla "
            "versione 1.0 del Regolamento: rimborso del 50% delle spese ammissibili fino a 2.000 euro per PMI, "
            "con massimali di 700 euro per il volo, 90 euro per notte di alloggio (massimo 4 notti), 120 euro "
            "per i trasporti locali e 900 euro per le quote di iscrizione a fiere o eventi.",
        ),
        (
            "p",
            "2. Il termine per presentare le domande di rimborso della missione in Canada è scaduto l'11 luglio "
            "2026. Tutte le domande ammesse sono state pagate entro il 30 settembre 2026.",
        ),
        ("h", "Articolo 10 – Trattamento dei dati e contatti"),
        (
            "p",
            "1. I dati personali contenuti nelle domande sono trattati solo per la gestione dei rimborsi e per "
            "i controlli previsti dal programma, e sono conservati per cinque anni dalla chiusura del progetto, "
            "come richiesto dalle regole europee sugli audit.",
        ),
        (
            "p",
            "2. Per informazioni: Ufficio Rimborsi EU-ALLIANCE, rimborsi@sportello-esempio.it, telefono "
            "+39 015 555 0145 (martedì e giovedì, dalle 10:00 alle 12:00).",
        ),
        ("h", "Allegati"),
        ("b", "Allegato A – Dichiarazione PMI"),
        ("b", "Allegato B – Modulo di richiesta di rimborso"),
        ("b", "Allegato C – Dichiarazione de minimis"),
        (
            "p",
            "Gli allegati si scaricano dalla pagina www.sportello-esempio.it/eu-alliance/regolamento-rimborsi "
            "in formato modificabile.",
        ),
    ],
]


def _find_font(name: str) -> Path | None:
    for directory in FONT_DIRS:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


class _RegulationPDF(FPDF):
    body_family = "Helvetica"
    unicode_ok = False

    def header(self) -> None:
        self.set_font(self.body_family, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(
            0,
            5,
            _text("EU-ALLIANCE – Regolamento rimborsi, edizione 2027 (v2.0) – ESEMPIO", self.unicode_ok),
            new_x="LMARGIN",
            new_y="NEXT",
            align="L",
        )
        self.ln(3)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(self.body_family, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"Pagina {self.page_no()} di {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _text(value: str, unicode_ok: bool) -> str:
    if unicode_ok:
        return value
    # Core fonts are Latin-1 only: keep accents, spell out the euro sign and dashes.
    return value.replace("€", "EUR").replace("–", "-").replace("’", "'")


def build_pdf(path: Path = PDF_PATH) -> None:
    pdf = _RegulationPDF(format="A4")
    regular, bold = _find_font("DejaVuSans.ttf"), _find_font("DejaVuSans-Bold.ttf")
    unicode_ok = bool(regular and bold)
    if unicode_ok:
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        pdf.body_family = "DejaVu"
        pdf.unicode_ok = True
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(PDF_TITLE)
    pdf.set_author("Ufficio Rimborsi EU-ALLIANCE (esempio)")
    pdf.set_subject("Rimborso parziale delle spese delle PMI per le missioni EU-ALLIANCE 2027 – contenuto di esempio")
    pdf.set_keywords("kind=reimbursement; programme=EU-ALLIANCE; countries=US,CA,ID,JP; language=it")
    pdf.set_creator("scripts/build_sample_binaries.py")
    pdf.set_lang("it-IT")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 15, 20)
    family = pdf.body_family
    t = lambda s: _text(s, unicode_ok)  # noqa: E731

    for index, blocks in enumerate(REGULATION_PAGES):
        pdf.add_page()
        if index == 0:
            pdf.set_font(family, "B", 15)
            pdf.multi_cell(0, 7.5, t(PDF_TITLE), align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
            pdf.set_font(family, "B", 10)
            pdf.set_fill_color(255, 243, 205)
            pdf.multi_cell(0, 6, t(SAMPLE_NOTICE), fill=True, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        for kind, content in blocks:
            if kind == "h":
                pdf.ln(2)
                pdf.set_font(family, "B", 12)
                pdf.multi_cell(0, 6.5, t(str(content)), align="L", new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            elif kind == "p":
                pdf.set_font(family, "", 10)
                pdf.multi_cell(0, 5.2, t(str(content)), align="L", new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1.5)
            elif kind == "b":
                pdf.set_font(family, "", 10)
                pdf.set_x(pdf.l_margin + 5)
                pdf.multi_cell(
                    0, 5.2, t("• " if unicode_ok else "- ") + t(str(content)), align="L", new_x="LMARGIN", new_y="NEXT"
                )
                pdf.ln(0.5)
            elif kind == "t":
                pdf.set_font(family, "", 10)
                with pdf.table(
                    col_widths=(110, 60), text_align=("LEFT", "LEFT"), line_height=6, first_row_as_headings=True
                ) as table:
                    for row in content:  # type: ignore[union-attr]
                        cells = table.row()
                        for cell in row:
                            cells.cell(t(cell))
                pdf.ln(3)
    pdf.output(str(path))


# ---------------------------------------------------------------------------
# The glossary: sections (Heading 1) with terms (Heading 2) and their definitions.
# ---------------------------------------------------------------------------

GLOSSARY_TITLE = "Glossario dell'internazionalizzazione e dei bandi europei"

GLOSSARY_INTRO = [
    SAMPLE_NOTICE,
    "Questo glossario spiega, in parole semplici, i termini che le PMI incontrano più spesso nei bandi, "
    "nelle missioni commerciali e nelle domande di rimborso. Le definizioni sono divulgative: per i casi "
    "concreti fa fede la normativa citata. Versione del 16 novembre 2026.",
]

GLOSSARY: list[tuple[str, list[tuple[str, list[str]]]]] = [
    (
        "Imprese e requisiti",
        [
            (
                "Definizione di PMI",
                [
                    "La definizione europea di piccola e media impresa è fissata dalla Raccomandazione della "
                    "Commissione 2003/361/CE. È una media impresa chi ha meno di 250 dipendenti e un fatturato annuo "
                    "non superiore a 50 milioni di euro oppure un totale di bilancio annuo non superiore a 43 milioni "
                    "di euro.",
                    "È piccola impresa chi ha meno di 50 dipendenti e fatturato o totale di bilancio non superiore a "
                    "10 milioni di euro; è micro-impresa chi ha meno di 10 dipendenti e fatturato o totale di "
                    "bilancio non superiore a 2 milioni di euro. Nel calcolo vanno sommati, in tutto o in parte, i "
                    "dati delle imprese associate e collegate: una piccola società controllata da un grande gruppo "
                    "non è una PMI. Nei bandi la condizione si attesta con la dichiarazione PMI.",
                ],
            ),
            (
                "De minimis",
                [
                    "Gli aiuti de minimis sono aiuti pubblici di importo limitato che, per la normativa europea, non "
                    "falsano la concorrenza e quindi non devono essere notificati alla Commissione. Il Regolamento "
                    "(UE) 2023/2831, in vigore dal 1° gennaio 2024, fissa il massimale a 300.000 euro per impresa "
                    "unica nell'arco di tre anni, calcolati su un periodo mobile.",
                    "Per questo quasi tutti i bandi e i rimborsi chiedono una dichiarazione de minimis con gli aiuti "
                    "ricevuti negli ultimi tre anni. In Italia gli aiuti concessi sono visibili nel Registro nazionale "
                    "degli aiuti di Stato (RNA).",
                ],
            ),
            (
                "Codice ATECO",
                [
                    "Il codice ATECO è la classificazione delle attività economiche usata dall'ISTAT, versione "
                    "italiana della classificazione europea NACE. Dal 2025 è in vigore la classificazione ATECO 2025. "
                    "Il codice compare nella visura camerale e serve a verificare se un'impresa rientra nei settori "
                    "ammessi da un bando: ad esempio la divisione 13 corrisponde alle industrie tessili e la divisione "
                    "14 alla confezione di articoli di abbigliamento.",
                ],
            ),
            (
                "Impresa in difficoltà",
                [
                    "Nozione del diritto europeo degli aiuti di Stato: è in difficoltà, ad esempio, la società che ha "
                    "perso più della metà del capitale sociale a causa delle perdite o che è soggetta a procedura "
                    "concorsuale. Le imprese in difficoltà sono escluse da gran parte dei bandi, salvo eccezioni per "
                    "gli aiuti de minimis.",
                ],
            ),
        ],
    ),
    (
        "Documenti e adempimenti",
        [
            (
                "Visura camerale",
                [
                    "Documento rilasciato dalla Camera di Commercio che riporta i dati dell'impresa iscritti nel "
                    "Registro delle imprese: ragione sociale, sede, legale rappresentante, attività e codice ATECO, "
                    "indirizzo PEC. Si ottiene online o allo sportello camerale. Per il rimborso delle missioni "
                    "EU-ALLIANCE la visura non deve essere anteriore a 6 mesi.",
                ],
            ),
            (
                "DURC",
                [
                    "Il Documento Unico di Regolarità Contributiva attesta che l'impresa è in regola con i versamenti "
                    "a INPS, INAIL e, per l'edilizia, Cassa Edile. Si richiede online e ha una validità di 120 giorni. "
                    "Per molti contributi pubblici il DURC regolare è una condizione per ricevere il pagamento; spesso "
                    "è l'ente pagatore ad acquisirlo d'ufficio.",
                ],
            ),
            (
                "Firma digitale",
                [
                    "Firma elettronica qualificata che garantisce l'identità del firmatario e l'integrità del "
                    "documento e ha lo stesso valore legale della firma autografa. I formati più comuni sono CAdES "
                    "(file con estensione .p7m) e PAdES (la firma resta dentro il PDF). Molti bandi richiedono che la "
                    "domanda sia firmata digitalmente dal legale rappresentante: una firma scansionata non basta.",
                ],
            ),
            (
                "PEC",
                [
                    "La Posta Elettronica Certificata è un sistema di posta che dà valore legale all'invio e alla "
                    "consegna di un messaggio, come una raccomandata con ricevuta di ritorno. Le imprese italiane "
                    "devono avere un indirizzo PEC registrato nel Registro delle imprese. La PEC si usa per inviare "
                    "domande, integrazioni e comunicazioni formali, ad esempio le domande di rimborso.",
                ],
            ),
            (
                "Carnet ATA",
                [
                    "Documento doganale internazionale che permette di esportare temporaneamente campioni commerciali, "
                    "materiale per fiere e attrezzature professionali senza pagare dazi, a condizione di riportarli "
                    "indietro. In Italia lo rilasciano le Camere di Commercio; è valido fino a un anno ed è utile per "
                    "chi porta campioni di valore a una missione all'estero.",
                ],
            ),
        ],
    ),
    (
        "Enti, reti e programmi",
        [
            (
                "Cluster",
                [
                    "Un cluster è un'aggregazione di imprese, soprattutto PMI, università, centri di ricerca e altri "
                    "attori che lavorano nello stesso settore o nella stessa filiera e collaborano per innovare e "
                    "crescere. In Italia esistono poli di innovazione regionali e cluster tecnologici nazionali. A "
                    "livello europeo la European Cluster Collaboration Platform (ECCP) mette in rete i cluster e ne "
                    "pubblica le opportunità di cooperazione.",
                ],
            ),
            (
                "EEN (Enterprise Europe Network)",
                [
                    "La Enterprise Europe Network è la rete creata dalla Commissione europea nel 2008 per aiutare le "
                    "PMI a innovare e a crescere a livello internazionale. Riunisce camere di commercio, agenzie di "
                    "sviluppo, università e centri tecnologici in molti paesi, dentro e fuori l'UE. Offre "
                    "gratuitamente ricerca di partner commerciali e tecnologici, eventi di brokerage, "
                    "informazioni sulla normativa europea e supporto all'accesso ai finanziamenti.",
                ],
            ),
            (
                "SIMEST",
                [
                    "Società del Gruppo Cassa Depositi e Prestiti che sostiene l'internazionalizzazione delle imprese "
                    "italiane. Gestisce i finanziamenti agevolati del Fondo 394/81 (ad esempio per fiere, missioni, "
                    "inserimento nei mercati esteri e certificazioni), partecipa al capitale di società all'estero e "
                    "offre strumenti di sostegno all'export.",
                ],
            ),
            (
                "ICE Agenzia",
                [
                    "L'Agenzia per la promozione all'estero e l'internazionalizzazione delle imprese italiane. Con la "
                    "sua rete di uffici nel mondo organizza padiglioni italiani nelle fiere internazionali, missioni "
                    "di operatori esteri in Italia, formazione per l'export e servizi di informazione sui mercati. "
                    "Molti servizi sono gratuiti o scontati per le PMI.",
                ],
            ),
        ],
    ),
    (
        "Progetti, mercati e tecnologie",
        [
            (
                "B2B",
                [
                    "Business-to-business: relazioni commerciali tra imprese. Nelle missioni e negli eventi di "
                    "brokerage indica gli incontri bilaterali pre-organizzati, di solito di 20-30 minuti, tra imprese "
                    "che si sono selezionate a vicenda su una piattaforma di matchmaking. Nelle missioni EU-ALLIANCE "
                    "gli incontri B2B durano 30 minuti.",
                ],
            ),
            (
                "Dual use (duplice uso)",
                [
                    "Si dicono a duplice uso i beni, i software e le tecnologie che possono avere applicazioni sia "
                    "civili sia militari, come alcune fibre ad alte prestazioni, tessuti balistici, sensori o sistemi "
                    "di comunicazione. L'esportazione fuori dall'UE di alcuni di questi prodotti richiede "
                    "un'autorizzazione ai sensi del Regolamento (UE) 2021/821; in Italia l'autorità competente è "
                    "l'UAMA presso il Ministero degli Affari Esteri. Prima di una missione verifica se i tuoi prodotti "
                    "sono in elenco.",
                ],
            ),
            (
                "Cascade funding",
                [
                    "Detto anche sostegno finanziario a terzi (FSTP, financial support to third parties): un progetto "
                    "finanziato dall'UE riceve fondi da ridistribuire ad altri soggetti, spesso PMI, con proprie open "
                    "call semplificate. In Horizon Europe l'importo per singolo beneficiario è di norma al massimo "
                    "60.000 euro. Le domande sono brevi, spesso in inglese, e i fondi sono erogati come somma "
                    "forfettaria (lump sum).",
                ],
            ),
            (
                "TRL (Technology Readiness Level)",
                [
                    "Scala da 1 a 9 che misura la maturità di una tecnologia: TRL 1-3 ricerca di base e prova di "
                    "concetto; TRL 4-5 validazione in laboratorio e in ambiente rilevante; TRL 6-7 dimostrazione di un "
                    "prototipo in ambiente rilevante o operativo; TRL 8 sistema completo e qualificato; TRL 9 sistema "
                    "provato in ambiente operativo reale. Molti bandi indicano il TRL di partenza e di arrivo "
                    "richiesto.",
                ],
            ),
        ],
    ),
]


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the DOCX is byte-for-byte reproducible."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 16, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def build_docx(path: Path = DOCX_PATH) -> None:
    document = Document()
    props = document.core_properties
    props.title = GLOSSARY_TITLE
    props.subject = "Glossario per le PMI – contenuto di esempio"
    props.author = "Sportello Cluster Europa (esempio)"
    props.last_modified_by = "scripts/build_sample_binaries.py"
    props.keywords = "kind=glossary; language=it"
    props.language = "it-IT"
    props.created = dt.datetime(2026, 11, 16, 9, 0, 0)
    props.modified = dt.datetime(2026, 11, 16, 9, 0, 0)
    props.revision = 1

    document.add_heading(GLOSSARY_TITLE, level=0)
    for paragraph in GLOSSARY_INTRO:
        document.add_paragraph(paragraph)
    for section, terms in GLOSSARY:
        document.add_heading(section, level=1)
        for term, paragraphs in terms:
            document.add_heading(term, level=2)
            for paragraph in paragraphs:
                document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(_normalise_zip(buffer.getvalue()))


def main() -> None:
    SAMPLE.mkdir(parents=True, exist_ok=True)
    build_pdf()
    build_docx()
    for path in (PDF_PATH, DOCX_PATH):
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
