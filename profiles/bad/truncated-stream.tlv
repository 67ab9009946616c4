# truncated-stream.tlv — a pinCodes PE cut short: its header announces 51 value octets,
# the stream ends after 10 of them (as a download cut mid-element would look).
hex: A2 33                              # pinCodes, length 51
hex: A0 05 80 00 81 01 32               # PEHeader: mandated, identification 50
hex: A1 2A A0                           # ... and nothing more
