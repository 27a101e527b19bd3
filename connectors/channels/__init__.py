"""moien's HTTP channels: an OpenAI-compatible API, Rasa's REST and socket.io channels, and the chat widget.

All of them serve the same ``Core`` as the Streamlit apps, so disclosure, sources, language, guardrails and memory
rules are identical everywhere. They sit in ``connectors`` because they talk to outside systems (browsers, Rasa
front ends, OpenAI clients); unlike the other connectors they stand *above* the core (like ``moien.ui``).
"""
