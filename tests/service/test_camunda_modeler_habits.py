"""What Camunda Modeler files often hold and Camunda runs anyway, on SQLite and
PostgreSQL: a data store (documentation: ignored at run time) and a message with an
id but no name (senders name it by its id)."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from engine import load_methodologies
from engine.views.messages import Correlation
from tests.conftest import make_engine
from tests.service.test_external_tasks import ERP, fetch, worker
from tests.service.test_messages import FIXTURE as MESSAGES

DATA_STORE = (
    '<bpmn:dataStoreReference id="Ref_Ledger" name="Ledger" dataStoreRef="Store_Ledger"/>\n'
    '    <bpmn:serviceTask id="Task_Invoice" name="Send the invoice" camunda:type="external" camunda:topic="invoice">\n'
    '      <bpmn:dataInputAssociation id="Read_Ledger"><bpmn:sourceRef>Ref_Ledger</bpmn:sourceRef>'
    '<bpmn:targetRef>Task_Invoice</bpmn:targetRef></bpmn:dataInputAssociation>\n'
    '      <bpmn:dataOutputAssociation id="Write_Ledger"><bpmn:targetRef>Ref_Ledger</bpmn:targetRef>'
    '</bpmn:dataOutputAssociation>\n'
    '    </bpmn:serviceTask>')


def with_data_store(tmp_path: Path) -> Path:
    root = tmp_path / "m"
    shutil.copytree(ERP, root)
    bpmn = root / "bpmn" / "erp.bpmn"
    text = bpmn.read_text()
    task = '<bpmn:serviceTask id="Task_Invoice" name="Send the invoice" camunda:type="external" camunda:topic="invoice"/>'
    assert task in text
    text = text.replace(task, DATA_STORE).replace(
        '  <bpmn:error ', '  <bpmn:dataStore id="Store_Ledger" name="Financial Accounting System"/>\n  <bpmn:error ')
    bpmn.write_text(text)
    return root


def without_message_name(tmp_path: Path) -> Path:
    root = tmp_path / "m"
    shutil.copytree(MESSAGES, root)
    bpmn = root / "bpmn" / "after_sale.bpmn"
    bpmn.write_text(bpmn.read_text().replace('<bpmn:message id="Message_Order" name="order-confirmed"/>',
                                             '<bpmn:message id="Message_Order"/>'))
    for path in (root / "scenarios").iterdir():  # they send order-confirmed by its old name
        path.unlink()
    return root


@contextmanager
def deal_of(db_url, clock, root: Path, **attributes):
    """(engine, a deal opened) on what ``root`` holds, which validates."""
    assert load_methodologies(str(root)).problems == []
    engine = make_engine(db_url, clock, root)
    try:
        yield engine, engine.create_opportunity(title="Order", amount="1000.00", partner="ACME", actor="manager",
                                                owner="rep1", attributes=attributes)
    finally:
        engine.close()


def test_a_data_store_validates_and_is_ignored_while_the_deal_runs(db_url, clock, tmp_path):
    with deal_of(db_url, clock, with_data_store(tmp_path)) as (engine, deal):
        w = worker(engine, "invoice", "shipping")
        [invoice] = fetch(engine, w)
        engine.complete_external_task(w, invoice.id, "w1", {"paid": True, "invoiceNumber": "FV/1"})
        [ship] = fetch(engine, w, topic="shipping")
        engine.complete_external_task(w, ship.id, "w1", {})
        assert engine.show_opportunity(deal.id).status == "won"


def test_a_message_without_a_name_is_sent_by_its_id(db_url, clock, tmp_path):
    with deal_of(db_url, clock, without_message_name(tmp_path), business_key="ORD-1") as (engine, deal):
        assert "Message_Order" in engine.waiting_messages(deal.id)
        sent = engine.send_message("Message_Order", Correlation(business_key="ORD-1"), {}, actor="admin")
        assert sent.delivered_to == (deal.id,)
        assert engine.show_opportunity(deal.id).stage_id == "delivery"


@pytest.mark.parametrize("name", ["", "   "])
def test_validation_no_longer_asks_for_a_message_name(tmp_path, name):
    root = without_message_name(tmp_path)
    bpmn = root / "bpmn" / "after_sale.bpmn"
    bpmn.write_text(bpmn.read_text().replace('<bpmn:message id="Message_Order"/>',
                                             f'<bpmn:message id="Message_Order" name="{name}"/>'))
    assert load_methodologies(str(root)).problems == []
