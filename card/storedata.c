/* card/storedata.c — being written */
typedef int placeholder_card_storedata_c_t;
