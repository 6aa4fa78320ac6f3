"""hotline: a multilingual SMS/WhatsApp worker-rights hotline."""
