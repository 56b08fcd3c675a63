from engine.methodology.yaml_source import read_yaml


def test_every_value_remembers_its_line():
    doc, problems = read_yaml("f.yaml", "a: 1\nstages:\n  - id: x\n    probability: 5\n")
    assert problems == []
    assert doc.line_of(("stages", 0, "probability")) == 4
    assert doc.key_line_of(("stages",)) == 2


def test_a_missing_path_falls_back_to_its_nearest_ancestor():
    doc, _ = read_yaml("f.yaml", "a: 1\nstages:\n  - id: x\n")
    assert doc.line_of(("stages", 0, "probability")) == 3


def test_a_duplicate_key_is_reported_instead_of_silently_overwritten():
    doc, problems = read_yaml("f.yaml", "name: A\nversion: '1'\nname: B\n")
    assert doc.data["name"] == "A"
    assert [str(p) for p in problems] == [
        "f.yaml:3: duplicate key 'name' (first given on line 1); YAML would silently keep only the last one"]


def test_yes_and_no_stay_text_as_in_yaml_1_2():
    doc, problems = read_yaml("f.yaml", "text: No\nid: yes\nflag: true\nother: off\n")
    assert problems == []
    assert doc.data == {"text": "No", "id": "yes", "flag": True, "other": "off"}


def test_dates_stay_text_so_the_schema_decides_what_they_mean():
    doc, _ = read_yaml("f.yaml", "due: 2026-12-01\n")
    assert doc.data == {"due": "2026-12-01"}


def test_a_syntax_error_names_its_line():
    doc, problems = read_yaml("f.yaml", "a: 1\nb: [1, 2\nc: 3\n")
    assert doc is None
    assert [str(p) for p in problems] == [
        "f.yaml:2: YAML syntax error: the '[' opened on this line is not closed before line 3; "
        "add the missing ']' or ','"]


def test_two_documents_in_one_file_are_refused():
    doc, problems = read_yaml("f.yaml", "a: 1\n---\nb: 2\n")
    assert doc is None
    assert [str(p) for p in problems] == ["f.yaml:3: one document per file; remove the '---' separator"]
