import qrcode
import qrcode.image.svg


def qr_svg(data: str) -> str:
    """An inline SVG QR code (no file, no network): embeddable in HTML pages and PDFs."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    return image.to_string(encoding="unicode")
