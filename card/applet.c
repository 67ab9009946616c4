/* card/applet.c — being written */
typedef int placeholder_card_applet_c_t;
