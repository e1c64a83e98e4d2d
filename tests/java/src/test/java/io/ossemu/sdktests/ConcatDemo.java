package io.ossemu.sdktests;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.common.auth.CredentialsProviderFactory;
import com.aliyun.oss.common.auth.EnvironmentVariableCredentialsProvider;
import com.aliyun.oss.common.comm.SignVersion;
import com.aliyun.oss.model.AsyncProcessObjectRequest;
import com.aliyun.oss.model.AsyncProcessObjectResult;
import com.aliyuncs.exceptions.ClientException;
import java.util.Base64;

/**
 * The video concat document's Java sample, line for line, with one change:
 * the endpoint is the emulator's (a parameter) instead of
 * https://oss-cn-hangzhou.aliyuncs.com. Credentials come from
 * OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET as in the document (surefire sets
 * them to the emulator's pair). It returns the response instead of only
 * printing it, so the test can assert on it.
 */
public class ConcatDemo {
public static AsyncProcessObjectResult run(String endpoint) throws ClientException {
// Specify the region ID, for example, cn-hangzhou.
String region = "cn-hangzhou";
// Obtain credentials from environment variables. Before running this sample,
// ensure that the OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET environment variables are set.
EnvironmentVariableCredentialsProvider credentialsProvider = CredentialsProviderFactory.newEnvironmentVariableCredentialsProvider();
// Specify the bucket name.
String bucketName = "examplebucket";
// Specify the name of the concatenated video file.
String targetObject = "dest.mp4";
// Specify the name of the source video file.
String sourceVideo = "src.mp4";
// Specify the names of the video files to concatenate.
String video1 = "concat1.mp4";
String video2 = "concat2.mp4";
// Create an OSSClient instance.
// Call the shutdown method to release resources when the OSSClient instance is no longer in use.
ClientBuilderConfiguration clientBuilderConfiguration = new ClientBuilderConfiguration();
clientBuilderConfiguration.setSignatureVersion(SignVersion.V4);
OSS ossClient = OSSClientBuilder.create()
.endpoint(endpoint)
.credentialsProvider(credentialsProvider)
.clientConfiguration(clientBuilderConfiguration)
.region(region)
.build();
try {
// Encode the video file names.
String video1Encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(video1.getBytes());
String video2Encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(video2.getBytes());
// Build the video processing style string and video concatenation parameters.
String style = String.format("video/concat,ss_0,f_mp4,vcodec_h264,fps_25,vb_1000000,acodec_aac,ab_96000,ar_48000,ac_2,align_1/pre,o_%s/sur,o_%s,t_0", video1Encoded, video2Encoded);
// Build the asynchronous processing instruction.
String bucketEncoded = Base64.getUrlEncoder().withoutPadding().encodeToString(bucketName.getBytes());
String targetEncoded = Base64.getUrlEncoder().withoutPadding().encodeToString(targetObject.getBytes());
String process = String.format("%s|sys/saveas,b_%s,o_%s/notify,topic_QXVkaW9Db252ZXJ0", style, bucketEncoded, targetEncoded);
// Create an AsyncProcessObjectRequest object.
AsyncProcessObjectRequest request = new AsyncProcessObjectRequest(bucketName, sourceVideo, process);
// Execute the asynchronous processing task.
AsyncProcessObjectResult response = ossClient.asyncProcessObject(request);
System.out.println("EventId: " + response.getEventId());
System.out.println("RequestId: " + response.getRequestId());
System.out.println("TaskId: " + response.getTaskId());
return response;
} finally {
// Shut down the OSSClient.
ossClient.shutdown();
}
}
}
