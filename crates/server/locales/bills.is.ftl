# Mótteknir reikningar (innhólf) og reikningar til greiðslu (issue 21).
