package io.ossemu.sdktests;

import com.aliyun.mns.client.CloudQueue;
import com.aliyun.mns.client.CloudTopic;
import com.aliyun.mns.client.MNSClient;
import com.aliyun.mns.client.MNSClientBuilder;
import com.aliyun.mns.common.ServiceException;
import com.aliyun.mns.common.ServiceHandlingRequiredException;
import com.aliyun.mns.common.auth.SignVersion;
import com.aliyun.mns.common.http.ClientConfiguration;
import com.aliyun.mns.model.Message;
import com.aliyun.mns.model.QueueMeta;
import com.aliyun.mns.model.SubscriptionMeta;
import com.aliyun.mns.model.TopicMeta;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.model.AsyncProcessObjectRequest;
import com.aliyun.oss.model.AsyncProcessObjectResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An MNS consumer written with the official Java MNS SDK (aliyun-sdk-mns)
 * against the emulator's built-in MNS service: a queue subscribed to a topic
 * receives the notification of a real media task; the consumer decodes it
 * and deletes it, and a message not deleted comes back after its
 * visibility timeout. Both of the SDK's signatures: V2 (its default) and
 * V4 (MNS4-HMAC-SHA256, which the SDK recommends).
 */
@ExtendWith(Emulator.Extension.class)
class MnsTest {

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** An MNS client; sign is "v2" (the SDK's default) or "v4" (SignVersion.V4, MNS4-HMAC-SHA256). */
    static MNSClient mns(Emulator emu, String secret, String sign) {
        ClientConfiguration conf = new ClientConfiguration();
        if (sign.equals("v4")) {
            conf.setSignatureVersion(SignVersion.V4);
        }
        return MNSClientBuilder.create().accountEndpoint(emu.mnsUrl).accessKeyId(emu.accessKeyId)
                .accessKeySecret(secret).clientConfiguration(conf).region(Emulator.REGION).build();
    }

    /** Decodes the IMM event a task publishes and checks it names the task. */
    static void checkEvent(String body, AsyncProcessObjectResult submitted, String sign) throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode event = json.readTree(body);
        assertEquals(submitted.getEventId(), event.path("id").asText());
        assertEquals("imm:Task:MediaConvert", event.path("type").asText());
        JsonNode content = json.readTree(event.path("content").asText()); // JSON inside a string
        assertEquals(submitted.getTaskId(), content.path("TaskId").asText());
        assertEquals("Succeeded", content.path("Status").asText());
        assertEquals("", content.path("Code").asText());
        assertEquals("oss://java-mns/clip-" + sign + ".mp4", content.path("Sources").path(0).path("URI").asText());
        assertEquals("oss://java-mns/sprites/clip-" + sign + "-1.jpg", content.path("Targets").path(0).path("URI").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"v2", "v4"})
    void receiveTaskNotification(String sign, Emulator emu) throws Exception {
        String queueName = "java-tasks-" + sign, topicName = "java-mns-done-" + sign;
        MNSClient client = mns(emu, emu.accessKeySecret, sign);
        OSS oss = new OSSClientBuilder().build(emu.url, emu.accessKeyId, emu.accessKeySecret);
        try {
            QueueMeta qm = new QueueMeta();
            qm.setQueueName(queueName);
            qm.setVisibilityTimeout(3L);
            CloudQueue queue = client.createQueue(qm);
            TopicMeta tm = new TopicMeta();
            tm.setTopicName(topicName);
            CloudTopic topic = client.createTopic(tm);
            SubscriptionMeta sub = new SubscriptionMeta();
            sub.setSubscriptionName("to-" + queueName);
            sub.setEndpoint(topic.generateQueueEndpoint(queueName));
            sub.setNotifyContentFormat(SubscriptionMeta.NotifyContentFormat.SIMPLIFIED);
            topic.subscribe(sub);

            String clip = "clip-" + sign + ".mp4";
            oss.putObject("java-mns", clip, SeedTest.VIDEOS.resolve("vfr.mp4").toFile());
            String process = "video/sprite,f_jpg,sw_64,sh_36,inter_1000,tw_2,th_2|sys/saveas,o_"
                    + b64("sprites/clip-" + sign + "-{index}.{autoext}") + "/notify,topic_" + b64(topicName);
            AsyncProcessObjectResult submitted = oss.asyncProcessObject(
                    new AsyncProcessObjectRequest("java-mns", clip, process));

            Message first = queue.popMessage(30);
            assertNotNull(first, "no notification within 30 s");
            checkEvent(first.getMessageBodyAsRawString(), submitted, sign);
            assertEquals(1, first.getDequeueCount());
            assertEquals("Succeeded", emu.task(submitted.getTaskId()).path("Status").asText());

            // Not deleted: after the 3 s visibility timeout it comes back with
            // a new receipt handle, and the old handle no longer deletes it.
            Message again = queue.popMessage(30);
            assertNotNull(again, "the undeleted message did not come back");
            assertEquals(first.getMessageId(), again.getMessageId());
            assertEquals(2, again.getDequeueCount());
            assertNotEquals(first.getReceiptHandle(), again.getReceiptHandle());
            checkEvent(again.getMessageBodyAsRawString(), submitted, sign);
            // (The SDK reports a failed delete as the checked ServiceHandlingRequiredException.)
            ServiceHandlingRequiredException stale = assertThrows(ServiceHandlingRequiredException.class,
                    () -> queue.deleteMessage(first.getReceiptHandle()));
            assertTrue(stale.getErrorCode().equals("MessageNotExist") || stale.getErrorCode().equals("ReceiptHandleError"),
                    stale.getErrorCode());

            // ChangeMessageVisibility hands out yet another handle, which deletes it.
            String handle = queue.changeMessageVisibilityTimeout(again.getReceiptHandle(), 30);
            assertNotEquals(again.getReceiptHandle(), handle);
            queue.deleteMessage(handle);
            assertNull(queue.popMessage(1), "the queue should be empty after the delete");
        } finally {
            oss.shutdown();
            client.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v2", "v4"})
    void wrongSecretIsRefused(String sign, Emulator emu) {
        MNSClient client = mns(emu, "wrong-secret", sign);
        try {
            ServiceException e = assertThrows(ServiceException.class,
                    () -> client.getQueueRef("java-nothing").getAttributes());
            assertEquals("SignatureDoesNotMatch", e.getErrorCode());
            assertNotNull(e.getRequestId());
        } finally {
            client.close();
        }
    }
}
