"""The OCR image extractor on images rendered here: large, small and rotated text in every declared
format, a decompression bomb refused before decoding, broken files failed with a reason."""

import io
import resource

import pytest
from PIL import Image

from ragloom.adapters.images.extractor import PICTURE_SIDE, ImageExtractor, open_image_extractor
from ragloom.adapters.images.settings import ImageSettings
from ragloom.adapters.rapidocr.recognizer import RapidOcrRecognizer, RapidOcrSettings
from ragloom.contracts.testing.media_extractor import MediaExtractorContract, extract_bytes
from ragloom.core.errors import ExtractionFailed
from ragloom.core.models import Location
from tests.helpers.images import encoded, png_bomb, sign

SIGN = sign(["Harbour crane", "lifts 40 tonnes."], small="Gate code 7731", rotated="KEEP CLEAR")


@pytest.fixture(scope="module")
def extractor():
    recognizer = RapidOcrRecognizer(RapidOcrSettings())  # the models load once, for the module
    return ImageExtractor(recognizer, ImageSettings())


async def test_the_factory_needs_a_text_recognizer(extractor):
    with pytest.raises(ExtractionFailed, match="text_recognizer"):
        async with open_image_extractor(ImageSettings()):
            pass
    async with open_image_extractor(ImageSettings(), text_recognizer=object()) as adapter:
        assert "image/webp" in adapter.media_types


class TestImageExtractor(MediaExtractorContract):
    @pytest.fixture
    def adapter(self, extractor):
        return extractor

    @pytest.fixture
    def samples(self):
        return {
            f"image/{kind}": (encoded(SIGN, kind.upper()), "lifts 40 tonnes")
            for kind in ("png", "jpeg", "webp", "gif", "tiff")
        }


async def test_large_small_and_rotated_text_is_read_in_order(extractor):
    segment = (await extract_bytes(extractor, encoded(SIGN, "PNG"), "image/png")).segments[0]
    # a line that goes on from the one before joins it; the others stand apart
    assert segment.text.split("\n\n") == ["Harbour crane lifts 40 tonnes.", "Gate code 7731", "KEEP CLEAR"]
    assert len(segment.location.boxes) == 4  # one box per line, in the image's pixels
    assert all(
        0 <= left < right <= SIGN.width and 0 <= top < bottom <= SIGN.height
        for left, top, right, bottom in segment.location.boxes
    )
    crane, lifts, _, rotated = segment.location.boxes
    assert crane[3] <= lifts[1] + 5  # the first line sits above the second
    assert rotated[3] - rotated[1] > rotated[2] - rotated[0]  # the rotated line runs down the image


async def test_a_decompression_bomb_fails_before_it_is_decoded(extractor):
    bomb = png_bomb(30_000, 30_000)  # under a megabyte; 900 MB of pixels
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ExtractionFailed, match=r"over .*pixels.*max_pixels"):
        await extract_bytes(extractor, bomb, "image/png")
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 50, grown_mib


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (encoded(SIGN, "PNG")[:2000], "corrupt or truncated"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "could not be read|corrupt"),
    ],
)
async def test_broken_images_fail_with_a_reason(extractor, data, reason):
    with pytest.raises(ExtractionFailed, match=reason):
        await extract_bytes(extractor, data, "image/png")


async def test_every_image_gives_a_small_picture_even_without_text(extractor):
    for image, segments in ((SIGN, 1), (sign([""]), 0)):
        extraction = await extract_bytes(extractor, encoded(image, "PNG"), "image/png")
        assert len(extraction.segments) == segments
        [picture] = extraction.pictures
        with Image.open(io.BytesIO(picture.jpeg)) as small:
            assert small.format == "JPEG"
            assert max(small.size) == min(PICTURE_SIDE, max(image.size))
        assert picture.location == Location()  # the image itself: no page, no frame, no seconds
