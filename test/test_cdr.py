"""Unit tests of cdr.py: a pre-serialised message is the message."""


def test_pre_serialised_image_deserialises_to_the_message():
    from esp32_drone_camera import cdr
    from rclpy.serialization import deserialize_message
    from sensor_msgs.msg import CompressedImage
    template = CompressedImage(format='jpeg')
    template.header.frame_id = 'camera_optical_frame'
    prefix = cdr.image_prefix(template)
    cdr.set_stamp(prefix, 1_700_000_000, 123_456_789)
    msg = deserialize_message(cdr.image(prefix, b'\xff\xd8jpeg\xff\xd9'), CompressedImage)
    assert (msg.header.stamp.sec, msg.header.stamp.nanosec) == (1_700_000_000, 123_456_789)
    assert msg.header.frame_id == 'camera_optical_frame' and msg.format == 'jpeg'
    assert bytes(msg.data) == b'\xff\xd8jpeg\xff\xd9'
