# As Swedes write dates: "24 oktober 2017, kl. 10.30".
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H.i"
DATETIME_FORMAT = r"j F Y, \k\l. H.i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H.i"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%Y%m%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H.%M", "%Y-%m-%d %H:%M:%S"]
TIME_INPUT_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]
