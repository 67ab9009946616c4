/* card/apdu.c — being written */
typedef int placeholder_card_apdu_c_t;
