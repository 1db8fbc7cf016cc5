"""The browser till's camera, with Chromium's fake camera playing a QR code: the tablet pairs
by scanning the console's pairing QR code, then takes a payment by scanning a participant's
pay code. The images are the real QR codes the console and the API draw."""

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect

from tests.payments import new_wallet
from tests.pos_client.conftest import pairing_code, pay_code
from tests.till_web.browser_till import PAGE_ONLY, Tablet, credits, till_url
from wallet_server.tokens.qr import qr_images

WIDTH, HEIGHT = 640, 480
#: what the pairing screen's camera was doing, said when it read nothing
CAMERA_STATE = """() => {
  const video = document.querySelector("#pair-video");
  return {
    message: document.querySelector("#pair-camera-message")?.textContent,
    playing: video && !video.paused, width: video?.videoWidth, stream: Boolean(video?.srcObject),
  };
}"""


def camera_playing(text: str, folder: Path) -> tuple[str, ...]:
    """Chromium's flags for a fake camera filming the QR code of `text` (a Y4M video: grey
    frames, the code in the middle, each module a whole number of pixels)."""
    code = Image.open(io.BytesIO(qr_images(text).png)).convert("L")
    modules = code.width // 8  # qr_images draws 8 px per module
    # qr-scanner looks at the middle two-thirds of the picture: the code fits well inside it
    side = modules * max(2, (HEIGHT // 2) // modules)
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(
        code.resize((side, side), Image.Resampling.NEAREST),
        ((WIDTH - side) // 2, (HEIGHT - side) // 2),
    )
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    video = folder / "camera.y4m"
    with video.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F5:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(5):
            out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return (
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",  # the camera is allowed without asking
        f"--use-file-for-fake-video-capture={video}",
    )


@PAGE_ONLY
def test_the_till_pairs_and_takes_a_payment_with_its_camera(
    server, sessions, client, playwright, tmp_path
):
    code, shop_account = pairing_code(sessions, "La Cagette")
    tablet = Tablet(playwright, tmp_path / "profile")
    try:
        (tmp_path / "pairing").mkdir()
        page = tablet.start(offline=False, args=camera_playing(code, tmp_path / "pairing"))
        page.goto(till_url(server))
        page.click("#pair-scan")
        try:
            expect(page.locator("#pair-code")).to_have_value(code, timeout=20_000)
        except AssertionError as failure:
            raise AssertionError(f"{failure}\ncamera: {page.evaluate(CAMERA_STATE)}") from None
        expect(page.locator("#pair-camera")).to_be_hidden()  # the camera stops once it has read
        page.click("#pair-submit")
        expect(page.locator("#shop-name")).to_have_text("La Cagette", timeout=15_000)
        tablet.close()

        wallet = new_wallet(sessions, balance=10_000)
        (tmp_path / "paying").mkdir()
        args = camera_playing(pay_code(client, wallet), tmp_path / "paying")
        page = tablet.start(offline=False, args=args)
        page.goto(till_url(server))
        expect(page.locator("#net-status")).to_have_attribute("data-online", "true", timeout=15_000)
        for digit in "845":
            page.click(f'button[data-key="{digit}"]')
        page.click("#camera-open")
        result = page.locator("#result")
        expect(result).to_have_attribute("data-result", "accepted", timeout=20_000)
        expect(result).to_have_attribute("data-mode", "online")
        assert credits(sessions, shop_account) == 845
        assert page.errors == []
    finally:
        tablet.close()
