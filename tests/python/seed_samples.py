# -*- coding: utf-8 -*-
"""The Python samples of the product documents (video concat and video
sprite), line for line as the documents write them, with two changes only:
the endpoint (the emulator's instead of https://oss-cn-hangzhou.aliyuncs.com)
and the credentials (the `auth` the caller passes; the documents' own
`oss2.ProviderAuthV4(EnvironmentVariableCredentialsProvider())` is what the
V4 tests pass, with OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET set to the
emulator's pair). Each sample returns the SDK's result instead of printing
it, and lets an exception through instead of printing it, so the tests can
assert on both.
"""

import base64

import oss2


def concat_main(auth, endpoint):
    """The video concat document's Python sample."""
    # Specify the region ID, for example, cn-hangzhou.
    region = 'cn-hangzhou'
    # Specify the bucket name, for example, examplebucket.
    bucket = oss2.Bucket(auth, endpoint, 'examplebucket', region=region)
    # Specify the name of the concatenated video file.
    target_object = 'out.mp4'
    # Specify the name of the source video file.
    source_video = 'emrfinal.mp4'
    # Specify the names of the video files to concatenate.
    video1 = 'osshdfs.mp4'
    video2 = 'product.mp4'
    # Build the video processing style string and video concatenation parameters.
    video1_encoded = base64.urlsafe_b64encode(video1.encode()).decode().rstrip('=')
    video2_encoded = base64.urlsafe_b64encode(video2.encode()).decode().rstrip('=')
    style = f"video/concat,ss_0,f_mp4,vcodec_h264,fps_25,vb_1000000,acodec_aac,ab_96000,ar_48000,ac_2,align_1/pre,o_{video1_encoded}/sur,o_{video2_encoded},t_0"
    # Build the asynchronous processing instruction.
    bucket_encoded = base64.urlsafe_b64encode('examplebucket'.encode()).decode().rstrip('=')
    target_encoded = base64.urlsafe_b64encode(target_object.encode()).decode().rstrip('=')
    process = f"{style}|sys/saveas,b_{bucket_encoded},o_{target_encoded}/notify,topic_QXVkaW9Db252ZXJ0"
    print(process)
    # Execute the asynchronous processing task.
    result = bucket.async_process_object(source_video, process)
    print(f"EventId: {result.event_id}")
    print(f"RequestId: {result.request_id}")
    print(f"TaskId: {result.task_id}")
    return result


def sprite_main(auth, endpoint):
    """The video sprite document's Python sample."""
    # Specify the region ID that corresponds to the endpoint. Example: cn-hangzhou.
    region = 'cn-hangzhou'

    # Specify the bucket name.
    bucket = oss2.Bucket(auth, endpoint, 'examplebucket', region=region)

    # Specify the name of the source video file.
    source_key = 'src.mp4'

    # Specify the filename of the sprite.
    target_key = 'example.jpg'

    # Configure the parameters for generating a sprite from a video.
    animation_style = 'video/sprite,f_jpg,sw_100,sh_100,inter_10000,tw_10,th_10,pad_0,margin_0'

    # Create a processing instruction that includes the storage path and the Base64-encoded bucket name and object name.
    bucket_name_encoded = base64.urlsafe_b64encode('examplebucket'.encode()).decode().rstrip('=')
    target_key_encoded = base64.urlsafe_b64encode(target_key.encode()).decode().rstrip('=')
    process = f"{animation_style}|sys/saveas,b_{bucket_name_encoded},o_{target_key_encoded}/notify,topic_QXVkaW9Db252ZXJ0"

    # Execute the asynchronous processing task.
    result = bucket.async_process_object(source_key, process)
    print(f"EventId: {result.event_id}")
    print(f"RequestId: {result.request_id}")
    print(f"TaskId: {result.task_id}")
    return result
