/* card/tlv.c — being written */
typedef int placeholder_tlv_t;
