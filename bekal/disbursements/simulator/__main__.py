from bekal.disbursements.simulator.server import main

main()
