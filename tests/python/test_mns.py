"""An MNS consumer written with the official Python MNS SDK (aliyun-mns-sdk)
against the emulator's built-in MNS service: queues subscribed to a topic
receive the notification of a real media task (SIMPLIFIED and XML formats),
the consumer decodes it and deletes it, and a message not deleted comes back
after its visibility timeout."""

import json
import xml.etree.ElementTree as ET

import pytest

import ossemu_support as support
from ossemu_support import b64

oss2 = support.import_client("oss2")
mns_account = support.import_client("mns.account")
mns_queue = support.import_client("mns.queue")
mns_topic = support.import_client("mns.topic")
mns_subscription = support.import_client("mns.subscription")
mns_common = support.import_client("mns.mns_common")
mns_exception = support.import_client("mns.mns_exception")

TOPIC = "py-mns-done"
NS = "{http://mns.aliyuncs.com/doc/v1/}"


def make_queue(account, name, visibility):
    """Creates a queue and subscribes it to TOPIC in the given format."""
    queue = account.get_queue(name)
    meta = mns_queue.QueueMeta()
    meta.set_visibilitytimeout(visibility)
    queue.create(meta)
    # Topic-to-queue messages are not base64-encoded: read the body as is.
    queue.set_encoding(False)
    return queue


def subscribe(account, queue_name, fmt):
    endpoint = mns_common.TopicHelper.generate_queue_endpoint(support.REGION, "1000000000000001", queue_name)
    sub = account.get_topic(TOPIC).get_subscription("to-" + queue_name)
    sub.subscribe(mns_subscription.SubscriptionMeta(endpoint, notify_content_format=fmt))


@pytest.fixture(scope="module")
def task_and_queues(emulator, videos):
    """Runs one real sprite task that notifies TOPIC, after two queues
    subscribed to it (SIMPLIFIED and XML)."""
    account = mns_account.Account(emulator.mns_url, support.ACCESS_KEY_ID, support.ACCESS_KEY_SECRET)
    account.get_topic(TOPIC).create(mns_topic.TopicMeta())
    simple = make_queue(account, "py-simple", 3)
    xml_q = make_queue(account, "py-xml", 30)
    subscribe(account, "py-simple", mns_subscription.SubscriptionNotifyContentFormat.SIMPLIFIED)
    subscribe(account, "py-xml", mns_subscription.SubscriptionNotifyContentFormat.XML)

    bucket = oss2.Bucket(oss2.Auth(support.ACCESS_KEY_ID, support.ACCESS_KEY_SECRET), emulator.url, "py-mns")
    bucket.put_object_from_file("clip.mp4", videos("vfr.mp4"))
    process = "video/sprite,f_png,sw_64,sh_36,inter_1000,tw_2,th_2|sys/saveas,o_%s/notify,topic_%s" % (
        b64("sprites/clip-{index}.{autoext}"), b64(TOPIC))
    result = bucket.async_process_object("clip.mp4", process)
    assert result.task_id
    return result, simple, xml_q


def check_event(body, submitted):
    """Decodes the IMM event a task publishes and checks it names the task."""
    event = json.loads(body)
    assert event["id"] == submitted.event_id
    assert event["type"] == "imm:Task:MediaConvert"
    content = json.loads(event["content"])  # a JSON document inside a string
    assert content["TaskId"] == submitted.task_id
    assert content["Status"] == "Succeeded"
    assert content["Code"] == ""
    assert content["Sources"] == [{"URI": "oss://py-mns/clip.mp4"}]
    assert content["Targets"][0]["URI"] == "oss://py-mns/sprites/clip-1.png"
    return content


def test_receive_simplified_and_delete(task_and_queues, emulator):
    submitted, queue, _ = task_and_queues
    msg = queue.receive_message(wait_seconds=30)
    check_event(msg.message_body, submitted)
    assert msg.dequeue_count == 1
    assert emulator.task(submitted.task_id)["Status"] == "Succeeded"

    # Not deleted: after the 3 s visibility timeout it is delivered again,
    # with a new receipt handle; the old handle no longer deletes it.
    again = queue.receive_message(wait_seconds=30)
    assert again.message_id == msg.message_id
    assert again.dequeue_count == 2
    assert again.receipt_handle != msg.receipt_handle
    assert again.next_visible_time > msg.next_visible_time
    check_event(again.message_body, submitted)
    with pytest.raises(mns_exception.MNSServerException) as e:
        queue.delete_message(msg.receipt_handle)
    assert e.value.type in ("MessageNotExist", "ReceiptHandleError")

    # ChangeMessageVisibility hands out yet another handle, which deletes it.
    changed = queue.change_message_visibility(again.receipt_handle, 30)
    assert changed.receipt_handle != again.receipt_handle
    queue.delete_message(changed.receipt_handle)
    with pytest.raises(mns_exception.MNSServerException) as e:
        queue.receive_message(wait_seconds=1)
    assert e.value.type == "MessageNotExist"


def test_receive_xml_notification(task_and_queues):
    submitted, _, queue = task_and_queues
    msg = queue.receive_message(wait_seconds=30)
    note = ET.fromstring(msg.message_body)
    assert note.tag == NS + "Notification"
    assert note.findtext(NS + "TopicName") == TOPIC
    assert note.findtext(NS + "SubscriptionName") == "to-py-xml"
    check_event(note.findtext(NS + "Message"), submitted)
    queue.delete_message(msg.receipt_handle)
    with pytest.raises(mns_exception.MNSServerException) as e:
        queue.receive_message(wait_seconds=1)
    assert e.value.type == "MessageNotExist"


def test_wrong_secret_is_refused(emulator):
    account = mns_account.Account(emulator.mns_url, support.ACCESS_KEY_ID, "wrong-secret")
    with pytest.raises(mns_exception.MNSServerException) as e:
        account.get_queue("py-simple").get_attributes()
    assert e.value.type == "SignatureDoesNotMatch"
    assert e.value.request_id
