/* card/card.c — being written */
typedef int placeholder_card_card_c_t;
