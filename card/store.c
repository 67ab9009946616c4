/* card/store.c — being written */
typedef int placeholder_card_store_c_t;
