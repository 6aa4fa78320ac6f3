"""Evidence: photos, documents and voicemails a worker sends, kept safely.

An RQ job (never the webhook) copies each item from Twilio (``fetch``: credentials only
to Twilio's API for this account, size caps, timeouts), checks what its bytes are
(``kinds``), stores it encrypted (``vault``: files under var/ or S3-compatible object
storage) and deletes Twilio's copy once ours is verified (``keeping``). Staff open it only
through the app, decrypted and recorded (``access``). Erasure and retention delete our
copy and Twilio's.
"""
