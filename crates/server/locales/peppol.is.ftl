# Peppol: leit að móttakanda og sending rafrænna reikninga um netið (issue 21).
