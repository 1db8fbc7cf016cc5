"""Point-of-sale devices on the server side: pairing, redemption, refunds, PIN payments."""
