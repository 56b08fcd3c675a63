"""What importing 100,000 leads costs: the pure core on top of the reader, and the whole
import through the façade on top of the core.

One command:  python bench/import_leads.py [--rows 100000] [--core-only]

Generates, in a temporary directory, a CSV file (UTF-8 without a byte-order mark,
";"-delimited, as the whole file must then be checked for UTF-8) and an XLSX workbook
(openpyxl, write-only) of the same leads: Polish and foreign companies with legal
forms, valid and invalid NIPs and EU VAT ids, company and free-mail addresses, phones
written every way, about 5 % duplicates and 2 % bad rows.

Each step runs in a fresh child process, so its peak memory (ru_maxrss) is its own:

    floor   csv.reader over the CSV file / python-calamine iterating the sheet's cells
    import  open_table -> match_columns -> screen (validate) -> group_duplicates, the
            pure core of the lead import (engine/rules/leads), everything but the database

    facade  Engine.import_leads on a fresh SQLite database (and on PostgreSQL when
            DEALFLOW_BENCH_POSTGRES_URL is set, in a schema of its own, dropped after):
            everything a manager's import does — both passes, the partners, contact
            persons, history and import changes written 500 rows a transaction (COPY
            on PostgreSQL, the driver's executemany on SQLite), the rejects file, the
            progress and heartbeat

It runs the core again on a tenth of the rows, to see what of the peak memory grows
with the file. Prints wall and CPU seconds (the machine is shared: CPU time moves
much less with its load), rows/s, peak memory, the core's ratio to the reader (CPU)
and, last, ratio=X.XX: the slowest whole import over the core-only import of the
same file, in wall seconds (the database's own time is not this process's CPU).
Target: at most 60 s wall for each whole import.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ["Nazwa firmy", "NIP", "E-mail", "Telefon", "Miejscowość", "Ulica", "Kod pocztowy", "Kraj",
          "Osoba kontaktowa", "Branża", "Źródło", "Województwo", "Uwagi", "Opiekun (CRM)"]
CITIES = ["Kraków", "Łódź", "Gdańsk", "Poznań", "Wrocław", "Białystok", "Zielona Góra", "Bielsko-Biała"]
FORMS = ["Sp. z o.o.", "S.A.", "sp.j.", "s.c.", "", "spółka z ograniczoną odpowiedzialnością"]
FREE = ["gmail.com", "wp.pl", "onet.pl", "o2.pl", "interia.pl"]
WORDS = ["Hurtownia", "Piekarnia", "Zakład", "Agro", "Meble", "Bud", "Trans", "Serwis", "Pol", "Tech"]


def nip(rng: random.Random) -> str:
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    while True:
        digits = [rng.randrange(1, 10)] + [rng.randrange(10) for _ in range(8)]
        check = sum(w * d for w, d in zip(weights, digits)) % 11
        if check < 10:
            text = "".join(map(str, digits)) + str(check)
            return rng.choice([text, f"{text[:3]}-{text[3:6]}-{text[6:8]}-{text[8:]}", "PL" + text])


def leads(rows: int):
    rng = random.Random(12)
    made = []
    for i in range(rows):
        if made and rng.random() < 0.05:          # a duplicate of an earlier lead, written differently
            again = list(rng.choice(made[-500:]))
            again[0] = again[0].upper()
            yield again
            continue
        company = f"{rng.choice(WORDS)}{rng.choice(WORDS).lower()} {i}"
        domain = rng.choice(FREE) if rng.random() < 0.3 else f"{company.split()[0].lower()}{i}.pl".replace("ł", "l")
        row = [f"{company} {rng.choice(FORMS)}".strip(), nip(rng) if rng.random() < 0.8 else "",
               f"biuro{i}@{domain}", rng.choice([f"{600000000 + i}", f"+48 22 {i % 1000:03d} {i % 97:02d} 11",
                                                   f"(0-22) 6{i % 100:02d}-45-67"]),
               rng.choice(CITIES), f"ul. Długa {i % 300}", f"{rng.randrange(100):02d}-{rng.randrange(1000):03d}",
               rng.choice(["PL", "Polska", ""]), f"Łukasz Żółć {i}", "HORECA", "targi", "małopolskie",
               "dzwonić po 10:00; \"pilne\"", f"rep{i % 7}"]
        if rng.random() < 0.02:                      # a bad row
            row[rng.choice([0, 1, 2, 6])] = rng.choice(["", "123-456-78-90", "not-an-email", "3000"])
        made.append(row)
        yield row


def generate(folder: Path, rows: int) -> tuple[Path, Path]:
    csv_path, xlsx_path = folder / f"leads-{rows}.csv", folder / f"leads-{rows}.xlsx"
    with csv_path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(leads(rows))
    from openpyxl import Workbook  # only here: generating, never measured
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Leady")
    sheet.append(HEADER)
    for row in leads(rows):
        sheet.append(row)
    book.save(xlsx_path)
    return csv_path, xlsx_path


# --- what a child process measures ---------------------------------------------------

def floor_csv(path: Path) -> dict:
    with path.open("r", encoding="utf-8", newline="") as file:
        return {"rows": sum(1 for _ in csv.reader(file, delimiter=";")) - 1}


def floor_xlsx(path: Path) -> dict:
    from python_calamine import CalamineWorkbook
    with CalamineWorkbook.from_path(str(path)) as book:
        cells = sum(len(row) for row in book.get_sheet_by_index(0).iter_rows())
    return {"rows": cells // len(HEADER) - 1}


def dealflow(path: Path) -> dict:
    from engine.rules.leads import Lead, group_duplicates, match_columns, open_table, screen
    counts = {"rows": 0, "rejected": 0}

    def accepted(results):
        for result in results:
            counts["rows"] += 1
            if isinstance(result, Lead):
                yield result
            else:
                counts["rejected"] += 1

    with open_table(path) as table:
        columns = match_columns(table.header)
        groups = group_duplicates(accepted(screen(table.rows, columns)))
    return {**counts, "duplicate_groups": len(groups), "duplicates": sum(len(g.rows) - 1 for g in groups),
            "unknown_columns": list(columns.unknown)}


def facade(path: Path) -> dict:
    """The whole import through the façade, on the database DEALFLOW_BENCH_URL names."""
    import os

    from engine.service import Engine
    os.environ["DEALFLOW_REJECTS_DIR"] = str(path.parent / "rejects")
    engine = Engine(os.environ["DEALFLOW_BENCH_URL"], upgrade_schema=True)
    engine.create_user("bench-manager", "manager")
    started, cpu = time.perf_counter(), time.process_time()  # the import alone, not the schema's creation
    view = engine.import_leads(path, actor="bench-manager")
    timed = {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu}
    engine.close()
    return {"rows": view.total_rows, "summary": view.summary, "rejected": view.rejected,
            "duplicates": view.duplicates, "timed": timed}


STEPS = {"floor-csv": floor_csv, "floor-xlsx": floor_xlsx, "dealflow": dealflow, "facade": facade}


def child(step: str, path: Path) -> None:
    # Imports are not timed: importing engine.rules.leads runs engine/__init__ (the whole
    # façade, SQLAlchemy, SpiffWorkflow), once per process, whatever the file's size.
    start = time.perf_counter()
    for module in ("engine.rules.leads", "python_calamine"):
        importlib.import_module(module)
    imported, cpu = time.perf_counter(), time.process_time()
    result = STEPS[step](path)
    result["seconds"] = time.perf_counter() - imported
    result["cpu_seconds"] = time.process_time() - cpu
    result.update(result.pop("timed", {}))
    result["import_seconds"] = imported - start
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(step: str, path: Path, env: dict | None = None) -> dict:
    import os
    done = subprocess.run([sys.executable, __file__, "--step", step, str(path)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], env={**os.environ, **(env or {})})
    if done.returncode:
        raise SystemExit(f"{step} {path.name} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def report(label: str, result: dict) -> None:
    print(f"{label:<34} {result['seconds']:7.2f} s wall {result['cpu_seconds']:7.2f} s CPU  "
          f"{result['rows'] / result['seconds']:8,.0f} rows/s  peak {result['peak_mib']:6.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--core-only", action="store_true", help="Measure the pure core only, not the façade.")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        return child(args.step, args.path)
    ratios, whole = [], []
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} cores; the machine is shared: compare CPU seconds)")
    with tempfile.TemporaryDirectory(prefix="dealflow-bench-leads-") as tmp:
        started = time.perf_counter()
        small = generate(Path(tmp), max(1, args.rows // 10))
        big = generate(Path(tmp), args.rows)
        print(f"generated {args.rows:,} and {args.rows // 10:,} rows of CSV ({big[0].stat().st_size / 2**20:.1f} MiB) "
              f"and XLSX ({big[1].stat().st_size / 2**20:.1f} MiB) in {time.perf_counter() - started:.0f} s")
        for kind, floor_step, index in (("CSV", "floor-csv", 0), ("XLSX", "floor-xlsx", 1)):
            floor = measure(floor_step, big[index])
            ours = measure("dealflow", big[index])
            tenth = measure("dealflow", small[index])
            report(f"{kind} floor ({'csv.reader' if index == 0 else 'calamine cells'})", floor)
            report(f"{kind} import, {args.rows:,} rows", ours)
            report(f"{kind} import, {args.rows // 10:,} rows", tenth)
            print(f"    rejected {ours['rejected']:,}, duplicates {ours['duplicates']:,} in "
                  f"{ours['duplicate_groups']:,} groups, unknown columns: {', '.join(ours['unknown_columns'])}")
            ratio = ours["cpu_seconds"] / floor["cpu_seconds"]
            ratios.append(ratio)
            print(f"    {kind} core ratio {ratio:.2f} (CPU, to the reader)")
            if args.core_only:
                continue
            for database, url in databases(Path(tmp), kind):
                result = measure("facade", big[index], {"DEALFLOW_BENCH_URL": url})
                report(f"{kind} whole import, {database}", result)
                whole.append(result["seconds"] / ours["seconds"])
                print(f"    {result['summary']}")
                print(f"    {kind} {database}: {whole[-1]:.2f} x the core's wall time; target <= 60 s wall: "
                      f"{'met' if result['seconds'] <= 60 else 'NOT met'}")
                drop(url)
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"ratio={max(whole or ratios):.2f}")


def databases(folder: Path, kind: str):
    """(name, URL) of each database to import into: a fresh SQLite file, and a fresh
    PostgreSQL schema when DEALFLOW_BENCH_POSTGRES_URL is set."""
    import os
    import uuid
    yield "SQLite", f"sqlite:///{folder / f'bench-{kind.lower()}.db'}"
    server = os.environ.get("DEALFLOW_BENCH_POSTGRES_URL")
    if server:
        from sqlalchemy import create_engine, text
        schema = f"bench_leads_{uuid.uuid4().hex[:10]}"
        admin = create_engine(server.replace("postgresql://", "postgresql+psycopg://", 1))
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        separator = "&" if "?" in server else "?"
        yield "PostgreSQL", f"{server}{separator}options=-csearch_path%3D{schema}"


def drop(url: str) -> None:
    """The benchmark's PostgreSQL schema, dropped (a SQLite file goes with the folder)."""
    if "search_path%3D" not in url:
        return
    from sqlalchemy import create_engine, text
    server, schema = url.split("options=")[0].rstrip("?&"), url.split("search_path%3D")[1]
    admin = create_engine(server.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


if __name__ == "__main__":
    main()
